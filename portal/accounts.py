"""django-allauth's adapter for the portal and the public site.

Accounts live in the public schema (``tenants.User``, email as the login, no usernames) and
allauth's URLs are served at ``/accounts/`` on the public host and on every tenant host, each
with its own session (no cookie is shared between hosts).

- Sign-up on the public host is the site's own page (``portal.public.views.signup``: account
  and organisation together); on a tenant's host it is open only to someone holding an
  invitation to that tenant (``portal.members``), who then joins it.
- After login: the public host shows the person's workspaces; a tenant host its portal.
- Accounts made by operators (``provision_tenant``, ``ensure_demo``, the admin) have no allauth
  email record yet: the operator gave the address, so the first login records it as verified
  instead of asking the owner to verify an address the operator already vouched for.
"""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.account.views import LoginView
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

# Set by the invitation page of a tenant host: the token of the invitation being accepted.
INVITATION_SESSION_KEY = "portal_invitation_token"
# Seconds a client is told to wait after too many failed logins (the key's window is 300 s).
LOGIN_FAILED_RETRY_AFTER = 300


def _is_public_host(request: HttpRequest) -> bool:
    return getattr(request, "host_kind", None) == "public"


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request: HttpRequest) -> str:
        """The client address every other limit of the platform uses (``RATELIMIT_IP_META_KEY``:
        behind our nginx, the ``X-Real-IP`` it sets). allauth's own lookup reads only
        ``REMOTE_ADDR``, which is empty when the web server listens on a Unix socket (as under
        `make run` and in production) — and it then refuses every login with a 403."""
        address = request.META.get(settings.RATELIMIT_IP_META_KEY) or request.META.get(
            "REMOTE_ADDR"
        )
        if not address:
            raise PermissionDenied("Unable to determine client IP address")
        return address

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        if _is_public_host(request):
            return True
        return bool(request.session.get(INVITATION_SESSION_KEY))

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        if _is_public_host(request):
            return reverse("site:workspaces")
        return "/"

    def get_signup_redirect_url(self, request: HttpRequest) -> str:
        return self.get_login_redirect_url(request)

    def get_email_verification_redirect_url(self, email_address) -> str:
        if self.request.user.is_authenticated:
            return self.get_login_redirect_url(self.request)
        # Confirmed in another browser (not logged in there): say so, then offer to log in.
        if _is_public_host(self.request):
            return reverse("site:verified")
        return reverse("account_login")

    def pre_login(self, request: HttpRequest, user, **kwargs):
        if user.is_active and not EmailAddress.objects.filter(user=user).exists():
            # Provisioned by an operator (see module docstring): the address is vouched for.
            EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
        return super().pre_login(request, user, **kwargs)


_allauth_login = LoginView.as_view()


def login_view(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    """allauth's login, answering 429 (with ``Retry-After``) instead of 200 when its failed-login
    limit (``ACCOUNT_RATE_LIMITS["login_failed"]``) refuses the attempt: the page says so, and
    clients and monitors see the status. Past the overall ``login`` limit allauth answers 429
    itself (templates/429.html)."""
    response = _allauth_login(request, *args, **kwargs)
    form = (getattr(response, "context_data", None) or {}).get("form")
    if request.method == "POST" and form is not None and form.is_bound:
        codes = {error.code for errors in form.errors.as_data().values() for error in errors}
        if "too_many_login_attempts" in codes:
            response.status_code = 429
            response["Retry-After"] = str(LOGIN_FAILED_RETRY_AFTER)
    return response
