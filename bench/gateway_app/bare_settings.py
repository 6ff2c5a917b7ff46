"""Settings of the ceiling ``bench/http.py`` measures: a bare DRF ``APIView``, no middleware, no
database, no gateway — what any DRF-served call costs at least under the same server."""

SECRET_KEY = "bench-only-not-a-secret"  # noqa: S105 - nothing is signed by this process
DEBUG = False
ALLOWED_HOSTS = ["*"]
INSTALLED_APPS = ["django.contrib.contenttypes", "rest_framework"]
MIDDLEWARE: list[str] = []
ROOT_URLCONF = "bench.gateway_app.bare_urls"
DATABASES: dict = {}
USE_TZ = True
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "UNAUTHENTICATED_USER": None,
}
