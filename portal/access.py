"""Access to portal pages: one base class resolves who may see and do what on a tenant's host.

Every portal page is a ``PortalView``. Before any handler runs it:

1. refuses hosts that are not a tenant's (the public site has no portal) with the 404 page;
2. sends an anonymous visitor to the login page *of the same host* (sessions are per host);
3. finds the visitor's ``Membership`` of ``request.tenant.organisation`` — a logged-in user who
   is not a member gets the same 404 page as a missing page, so an outsider learns nothing about
   the tenant, not even that it has a portal;
4. resolves the live/sandbox switch (``self.mode``: ``"test"`` by default, as a new visitor should
   never act on live data by accident; ``POST /mode/`` changes it for the session) and the tenant
   row the page reads (``self.data_tenant``: the live row or its sandbox twin);
5. checks the role for the HTTP method: ``read_roles`` for GET/HEAD/OPTIONS, ``write_roles`` for
   everything else; a role not allowed gets the 403 page, before any handler could write.

A method the view does not implement answers 405 (Django's View), so a POST-only action view
answers 405 to GET. ``Http404``, ``core.errors.NotFoundError`` and ``PermissionDenied`` raised by
a handler (e.g. an access-checked fetch) become the same HTML pages.
"""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.views import View
from django.views.generic.base import ContextMixin, TemplateResponseMixin

from core.errors import NotFoundError
from tenants.models import Membership, Tenant
from tenants.selectors import membership_for

ALL_ROLES = frozenset(Membership.Role.values)
WRITE_ROLES = frozenset({Membership.Role.OWNER, Membership.Role.ADMIN, Membership.Role.DEVELOPER})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# The live/sandbox switch lives in the session of this host (portal.views.ModeSwitchView).
MODE_SESSION_KEY = "portal_mode"
MODES = (Tenant.Mode.TEST, Tenant.Mode.LIVE)
DEFAULT_MODE = Tenant.Mode.TEST

# The portal's navigation: (URL name, label). Entries whose page does not exist yet are left out.
NAV = (
    ("portal:dashboard", "Dashboard"),
    ("portal:keys", "API keys"),
    ("portal:usage", "Usage"),
    ("portal:logs", "Logs"),
    ("portal:webhooks", "Webhooks"),
    ("portal:billing", "Billing"),
    ("portal:members", "Members"),
    ("portal:docs", "Docs"),
)


def portal_mode(request: HttpRequest) -> str:
    mode = request.session.get(MODE_SESSION_KEY, DEFAULT_MODE)
    return mode if mode in MODES else DEFAULT_MODE


def portal_nav(request: HttpRequest) -> list[dict]:
    """The navigation entries that exist, with the current one marked."""
    entries = []
    for name, label in NAV:
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        if url == "/":
            is_current = request.path == "/"
        else:
            is_current = request.path.startswith(url)
        entries.append({"name": name, "label": label, "url": url, "is_current": is_current})
    return entries


def portal_page_context(
    request: HttpRequest, *, membership: Membership, mode: str, can_write: bool
) -> dict:
    """What ``templates/portal/base.html`` needs (also for pages outside a PortalView)."""
    organisation = membership.tenant
    return {
        "organisation": organisation,
        "membership": membership,
        "mode": mode,
        "data_tenant": organisation if mode == Tenant.Mode.LIVE else organisation.sandbox,
        "nav": portal_nav(request),
        "can_write": can_write,
    }


def page_not_found(request: HttpRequest) -> HttpResponse:
    """The portal's 404 page: the same for a missing page and for someone else's tenant."""
    return TemplateResponse(request, "portal/404.html", status=404)


def page_forbidden(request: HttpRequest, *, message: str = "") -> HttpResponse:
    return TemplateResponse(request, "portal/403.html", {"message": message}, status=403)


class PortalView(TemplateResponseMixin, ContextMixin, View):
    """Base of every portal page and action (see the module docstring for what it checks).

    Subclasses set ``template_name`` and implement ``get``/``post``; ``read_roles`` and
    ``write_roles`` narrow who may read and who may write. After ``dispatch`` resolves access,
    ``self.membership``, ``self.organisation`` (the live ``Tenant``), ``self.mode`` (``"live"`` or
    ``"test"``) and ``self.data_tenant`` (the row whose schema the page's data lives in) are set.
    """

    read_roles: frozenset[str] = ALL_ROLES
    write_roles: frozenset[str] = WRITE_ROLES

    membership: Membership
    organisation: Tenant
    mode: str
    data_tenant: Tenant

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        tenant = getattr(request, "tenant", None)
        if getattr(request, "host_kind", None) != "tenant" or tenant is None:
            return page_not_found(request)
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), login_url=reverse("account_login"))
        membership = membership_for(user=request.user, tenant=tenant)
        if membership is None:
            return page_not_found(request)
        self.membership = membership
        self.organisation = tenant.organisation
        self.mode = portal_mode(request)
        self.data_tenant = (
            self.organisation if self.mode == Tenant.Mode.LIVE else self.organisation.sandbox
        )
        allowed = self.read_roles if request.method in SAFE_METHODS else self.write_roles
        if membership.role not in allowed:
            return page_forbidden(request)
        try:
            return super().dispatch(request, *args, **kwargs)
        except (Http404, NotFoundError):
            return page_not_found(request)
        except PermissionDenied as denied:
            return page_forbidden(request, message=str(denied))

    @property
    def can_write(self) -> bool:
        """Whether this member may POST to this view (templates offer actions only then)."""
        return self.membership.role in self.write_roles

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context.update(
            portal_page_context(
                self.request, membership=self.membership, mode=self.mode, can_write=self.can_write
            ),
            organisation=self.organisation,
            data_tenant=self.data_tenant,
        )
        return context
