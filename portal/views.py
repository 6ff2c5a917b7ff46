"""The portal's own pages: the dashboard shell (until portal.pages provides the full dashboard)
and the live/sandbox switch. Views only call selectors; writes go through services."""

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django_tenants.utils import tenant_context

from marketplace.selectors import challenge_count
from portal.access import ALL_ROLES, MODE_SESSION_KEY, MODES, PortalView
from tenants.models import Tenant


class PortalHomeView(PortalView):
    """The dashboard shell: the organisation, its plan and how much data each mode holds."""

    template_name = "portal/home.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        # The view runs in the live schema (the host's); the sandbox is read in its own.
        live_challenges = challenge_count()
        with tenant_context(self.organisation.sandbox):
            sandbox_challenges = challenge_count()
        return self.render_to_response(
            self.get_context_data(
                tenant=self.organisation,
                live_challenges=live_challenges,
                sandbox_challenges=sandbox_challenges,
            )
        )


class ModeSwitchView(PortalView):
    """POST /mode/: switch the portal between live data and the sandbox for this session.

    Any member may switch (it changes what they look at, not the tenant's data)."""

    write_roles = ALL_ROLES

    def post(self, request: HttpRequest) -> HttpResponse:
        mode = request.POST.get("mode", "")
        if mode in MODES:
            request.session[MODE_SESSION_KEY] = mode
        elif mode == "toggle":
            current = request.session.get(MODE_SESSION_KEY, Tenant.Mode.TEST)
            request.session[MODE_SESSION_KEY] = (
                Tenant.Mode.LIVE if current == Tenant.Mode.TEST else Tenant.Mode.TEST
            )
        next_url = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            next_url = "/"
        return HttpResponseRedirect(next_url)
