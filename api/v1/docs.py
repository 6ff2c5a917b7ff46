"""The API's documentation: the OpenAPI 3 document and the two viewers that render it.

``/v1/openapi.json`` is public (no key needed) and generated from every route under /v1.
``/docs/`` (Swagger UI, with "Try it out" against the sandbox using a test key) and
``/docs/redoc/`` are served on tenant hosts with assets from drf-spectacular-sidecar through
WhiteNoise, and a Redoc template without the stock template's web-font link: no page needs the
internet.
"""

from drf_spectacular.views import (
    SpectacularJSONAPIView,
    SpectacularRedocView,
    SpectacularSwaggerView,
)
from rest_framework.response import Response

SCHEMA_URLCONF = "api.v1.schema_urls"
SCHEMA_URL = "/v1/openapi.json"


class OpenApiView(SpectacularJSONAPIView):
    """The document is the same for every host and caller: generated once per process (it takes
    a few hundred milliseconds, too much to repeat for an unauthenticated public URL)."""

    urlconf = SCHEMA_URLCONF
    authentication_classes: list = []
    permission_classes: list = []
    _document: dict | None = None

    def _get_schema_response(self, request):
        cls = type(self)
        if cls._document is None:
            generator = self.generator_class(urlconf=self.urlconf, patterns=self.patterns)
            cls._document = generator.get_schema(request=None, public=self.serve_public)
        return Response(
            data=cls._document,
            headers={"Content-Disposition": 'inline; filename="openchance-openapi.json"'},
        )


class SwaggerView(SpectacularSwaggerView):
    url = SCHEMA_URL
    authentication_classes: list = []
    permission_classes: list = []


class RedocView(SpectacularRedocView):
    url = SCHEMA_URL
    template_name = "docs/redoc.html"
    authentication_classes: list = []
    permission_classes: list = []
