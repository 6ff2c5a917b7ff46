"""API keys: the list (current mode), create (the secret shown once), roll with a grace period,
revoke (confirmed), and the audit log of key events.

Roles: every member reads; owners and admins manage every key; developers create keys and roll
or revoke the keys they created; viewers only read (``PortalView`` answers 403 to their POSTs).
"""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone

from apikeys.models import ApiKey
from apikeys.selectors import api_key_event_list, api_key_get, api_key_list_with_creators
from apikeys.services import IssuedApiKey, api_key_create, api_key_revoke, api_key_roll
from core.errors import DomainError
from portal.pages.base import DataPageView
from portal.pages.forms import ApiKeyCreateForm, ApiKeyRollForm, ConfirmForm
from tenants.models import Membership

MANAGES_EVERY_KEY = frozenset({Membership.Role.OWNER, Membership.Role.ADMIN})


def key_status(api_key: ApiKey, now) -> str:
    if api_key.revoked_at is not None:
        return "revoked"
    if api_key.expires_at is not None and api_key.expires_at <= now:
        return "expired"
    return "active"


class _KeyView(DataPageView):
    def may_manage(self, api_key: ApiKey) -> bool:
        return self.membership.role in MANAGES_EVERY_KEY or (
            self.membership.role == Membership.Role.DEVELOPER
            and api_key.created_by_id == self.request.user.pk
        )

    def key_for_change(self, key_id: str) -> ApiKey:
        """The tenant's key (404 for a missing or foreign one), if this member may change it."""
        api_key = api_key_get(tenant=self.organisation, key_id=key_id)
        if not self.may_manage(api_key):
            raise PermissionDenied("Developers can roll and revoke only the keys they created.")
        return api_key

    def secret_page(self, issued: IssuedApiKey, *, heading: str, note: str = "") -> HttpResponse:
        response = self.render_to_response(
            self.get_context_data(
                issued_key=issued.api_key,
                secret=issued.secret,
                heading=heading,
                note=note,
                api_base=self.api_base(),
            ),
        )
        # The one page that ever shows the secret: never cached, never stored by a browser.
        response["Cache-Control"] = "no-store"
        return response


class ApiKeyListView(_KeyView):
    template_name = "portal/pages/keys.html"

    def get(self, request):
        now = timezone.now()
        keys = api_key_list_with_creators(tenant=self.organisation, mode=self.mode)
        rows = [
            {"key": key, "status": key_status(key, now), "may_manage": self.may_manage(key)}
            for key in keys
        ]
        return self.render_to_response(
            self.get_context_data(
                rows=rows, events=api_key_event_list(tenant=self.organisation, limit=30)
            )
        )


class ApiKeyCreateView(_KeyView):
    template_name = "portal/pages/key_create.html"

    def get(self, request):
        form = ApiKeyCreateForm(initial={"mode": self.mode})
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request):
        form = ApiKeyCreateForm(request.POST)
        if form.is_valid():
            try:
                issued = api_key_create(
                    tenant=self.organisation,
                    name=form.cleaned_data["name"],
                    mode=form.cleaned_data["mode"],
                    scopes=form.cleaned_data["scopes"],
                    expires_at=form.cleaned_data["expires_on"],
                    actor=request.user,
                )
            except DomainError as error:
                form.add_error(None, error.detail)
            else:
                self.template_name = "portal/pages/key_secret.html"
                return self.secret_page(issued, heading="Your new API key")
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ApiKeyRollView(_KeyView):
    template_name = "portal/pages/key_roll.html"

    def get(self, request, key_id: str):
        api_key = self.key_for_change(key_id)
        return self.render_to_response(
            self.get_context_data(api_key=api_key, form=ApiKeyRollForm())
        )

    def post(self, request, key_id: str):
        api_key = self.key_for_change(key_id)
        form = ApiKeyRollForm(request.POST)
        if form.is_valid():
            grace = timedelta(hours=form.cleaned_data["grace_hours"])
            try:
                issued = api_key_roll(api_key=api_key, grace_period=grace, actor=request.user)
            except DomainError as error:
                form.add_error(None, error.detail)
            else:
                self.template_name = "portal/pages/key_secret.html"
                hours = form.cleaned_data["grace_hours"]
                note = (
                    f"The previous secret keeps working for {hours} h."
                    if hours
                    else "The previous secret stopped working now."
                )
                return self.secret_page(issued, heading="Key rolled: its new secret", note=note)
        context = self.get_context_data(api_key=api_key, form=form)
        return self.render_to_response(context, status=400)


class ApiKeyRevokeView(_KeyView):
    template_name = "portal/pages/key_revoke.html"

    def get(self, request, key_id: str):
        api_key = self.key_for_change(key_id)
        return self.render_to_response(self.get_context_data(api_key=api_key, form=ConfirmForm()))

    def post(self, request, key_id: str):
        api_key = self.key_for_change(key_id)
        form = ConfirmForm(request.POST)
        if not form.is_valid():
            context = self.get_context_data(api_key=api_key, form=form)
            return self.render_to_response(context, status=400)
        was_active = api_key.revoked_at is None
        api_key_revoke(api_key=api_key, actor=request.user)
        if was_active:
            messages.success(request, f"Key “{api_key.name}” revoked: it no longer works.")
        return HttpResponseRedirect(reverse("portal:keys"))
