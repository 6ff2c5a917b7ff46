"""The portal's own views beside the data pages (portal.pages): the live/sandbox switch and the
one-time link in from the public host. Views only call selectors; writes go through services."""

from django.conf import settings
from django.contrib.auth import login as auth_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View

from apikeys.services import api_key_create
from portal.access import (
    ALL_ROLES,
    MODE_SESSION_KEY,
    MODES,
    PortalView,
    page_not_found,
    portal_page_context,
)
from portal.handoff import HandoffRefused, handoff_consume, tenant_base_url
from tenants.models import Tenant

SESSION_BACKEND = "django.contrib.auth.backends.ModelBackend"


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


class HandoffView(View):
    """GET /handoff/<token>/: the one-time link from the public host (portal.handoff).

    Logs the member in on this host and goes to the dashboard; right after sign-up
    (``is_welcome``) it issues the member's first sandbox key and shows it on the welcome page
    with a first call to copy — the only time that secret is shown (the response is not cached).
    """

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        if getattr(request, "host_kind", None) != "tenant":
            return page_not_found(request)
        try:
            handoff = handoff_consume(token=token, tenant=request.tenant)
        except HandoffRefused as refused:
            return TemplateResponse(
                request, "portal/handoff_refused.html", {"reason": refused.reason}, status=400
            )
        auth_login(request, handoff.user, backend=SESSION_BACKEND)
        if not handoff.is_welcome:
            return HttpResponseRedirect("/")
        request.session[MODE_SESSION_KEY] = Tenant.Mode.TEST
        organisation = handoff.membership.tenant
        issued = api_key_create(
            tenant=organisation, name="Sandbox key", mode="test", actor=handoff.user
        )
        api_base = tenant_base_url(request, organisation)
        context = portal_page_context(
            request,
            membership=handoff.membership,
            mode=Tenant.Mode.TEST,
            can_write=True,
        )
        context.update(
            secret=issued.secret,
            api_base=api_base,
            host=f"{organisation.slug}.{settings.BASE_DOMAIN}",
            is_local=settings.BASE_DOMAIN == "localhost",
            local_port=api_base.rsplit(":", 1)[1] if api_base.count(":") == 2 else "80",
        )
        response = TemplateResponse(request, "portal/welcome.html", context)
        response["Cache-Control"] = "no-store"
        return response
