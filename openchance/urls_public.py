"""URLs of the public host (BASE_DOMAIN): operator admin, health."""

from django.contrib import admin
from django.urls import path

from openchance.health import healthz, livez

handler404 = "openchance.views.not_found"
handler500 = "openchance.views.server_error"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("livez", livez, name="livez"),
    path("admin/", admin.site.urls),
]
