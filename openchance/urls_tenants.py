"""URLs of a tenant's hosts (``<slug>.BASE_DOMAIN`` and custom domains): API and portal."""

from django.urls import include, path, re_path

from openchance.health import healthz
from openchance.views import not_found

handler404 = "openchance.views.not_found"
handler500 = "openchance.views.server_error"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # The API (api/urls.py ends in a problem+json catch-all, so unknown /v1 routes answer
    # problem+json even when DEBUG shows HTML 404 pages elsewhere).
    path("v1/", include("api.urls")),
    re_path(r"^v1$", not_found),
    path("", include("portal.urls")),
]
