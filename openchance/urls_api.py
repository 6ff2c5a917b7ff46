"""URLs of the shared API host (``api.BASE_DOMAIN``), where the key alone selects the tenant."""

from django.urls import include, path, re_path

from openchance.views import not_found

handler404 = "openchance.views.not_found"
handler500 = "openchance.views.server_error"

urlpatterns = [
    path("v1/", include("api.urls")),
    re_path(r"^", not_found),
]
