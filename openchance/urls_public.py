"""URLs of the public host (BASE_DOMAIN): the public site, accounts, operator admin, health."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from openchance.health import healthz, livez
from openchance.views import admin_login
from portal.accounts import login_view

# Error views (DEBUG off; with DEBUG on, core.middleware keeps debug pages off the API surface).
handler400 = "openchance.views.bad_request"
handler403 = "openchance.views.permission_denied"
handler404 = "openchance.views.not_found"
handler500 = "openchance.views.server_error"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("livez", livez, name="livez"),
    # Before admin.site.urls, so the throttled login answers /admin/login/ (see openchance.views).
    path("admin/login/", admin_login, name="admin-login"),
    path("admin/", admin.site.urls),
    # Stripe's webhooks (dj-stripe's view, signature-checked; billing.stripe.webhooks):
    # /stripe/webhook/<uuid>/, the uuid of the WebhookEndpoint row holding the signing secret.
    path("stripe/", include("djstripe.urls", namespace="djstripe")),
    # Accounts (django-allauth): login, verification, reset, MFA; sessions are this host's own.
    # Sign-up creates an organisation too: the site's own page (portal/public/views.py).
    path("accounts/signup/", RedirectView.as_view(pattern_name="site:signup", query_string=True)),
    path("accounts/login/", login_view, name="account_login"),
    path("accounts/", include("allauth.urls")),
    # The public site: landing, pricing, sign-up, find my workspace (portal/public/).
    path("", include("portal.public.urls")),
]
