"""URLs of the shared API host (``api.BASE_DOMAIN``), where the key alone selects the tenant."""

from django.urls import include, path, re_path

from api.v1.docs import RedocView, SwaggerView
from openchance.views import not_found

# Error views (DEBUG off; with DEBUG on, core.middleware keeps debug pages off the API surface).
handler400 = "openchance.views.bad_request"
handler403 = "openchance.views.permission_denied"
handler404 = "openchance.views.not_found"
handler500 = "openchance.views.server_error"

urlpatterns = [
    path("v1/", include("api.urls")),
    path("docs/", SwaggerView.as_view(), name="docs"),
    path("docs/redoc/", RedocView.as_view(), name="docs-redoc"),
    re_path(r"^", not_found),
]
