"""URLs of a tenant's hosts (``<slug>.BASE_DOMAIN`` and custom domains): API and portal."""

from django.urls import include, path, re_path

from api.v1.docs import RedocView, SwaggerView
from openchance.views import not_found
from portal.accounts import login_view

# Error views (DEBUG off; with DEBUG on, core.middleware keeps debug pages off the API surface).
handler400 = "openchance.views.bad_request"
handler403 = "openchance.views.permission_denied"
handler404 = "openchance.views.not_found"
handler500 = "openchance.views.server_error"

urlpatterns = [
    # The API (api/urls.py ends in a problem+json catch-all, so unknown /v1 routes answer
    # problem+json even when DEBUG shows HTML 404 pages elsewhere).
    path("v1/", include("api.urls")),
    re_path(r"^v1$", not_found),
    # API reference (Swagger UI, Redoc) from local assets; see api/v1/docs.py.
    path("docs/", SwaggerView.as_view(), name="docs"),
    path("docs/redoc/", RedocView.as_view(), name="docs-redoc"),
    # Accounts (django-allauth) on the tenant's own host: its session is this host's only.
    path("accounts/login/", login_view, name="account_login"),
    path("accounts/", include("allauth.urls")),
    path("", include("portal.urls")),
]
