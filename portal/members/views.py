"""Members of an organisation: the list, invitations, role changes, removal, accepting.

Who may do what (enforced twice: ``write_roles`` here refuses developers and viewers before any
handler runs; ``tenants.services_members`` keeps the finer rules — admins never touch owners,
the last owner stays):

============  ======  =================  ====================  ====================
role          list    invite             change role           remove
============  ======  =================  ====================  ====================
owner         yes     any role           anyone                anyone (not the last
                                                               owner)
admin         yes     admin, developer,  non-owners, never to  non-owners
                      viewer             owner
developer     yes     no (403)           no (403)              no (403)
viewer        yes     no (403)           no (403)              no (403)
============  ======  =================  ====================  ====================

A refused rule answers the members page again with the reason (422); another organisation's
member or invitation is the 404 page. Removal is confirmed on its own page first.
"""

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views import View

from core.errors import ConflictError, DomainError, NotFoundError
from portal.access import PortalView, page_not_found
from portal.accounts import INVITATION_SESSION_KEY
from portal.members.emails import invitation_email_send
from portal.members.forms import InviteForm, RoleForm, role_choices
from tenants.models import Membership
from tenants.selectors import (
    invitation_for_token,
    invitation_get,
    invitations_pending,
    members_of,
    membership_events,
    membership_get,
)
from tenants.services_members import (
    invitation_revoke,
    membership_accept,
    membership_invite,
    membership_remove,
    membership_role_change,
)

MANAGER_ROLES = frozenset({Membership.Role.OWNER, Membership.Role.ADMIN})


class MembersBase(PortalView):
    write_roles = MANAGER_ROLES

    def members_page(self, *, invite_form=None, error: str = "", status: int = 200):
        is_manager = self.membership.role in MANAGER_ROLES
        is_owner = self.membership.role == Membership.Role.OWNER
        rows = [
            {
                "member": member,
                "can_manage": is_manager and (is_owner or member.role != Membership.Role.OWNER),
            }
            for member in members_of(tenant=self.organisation)
        ]
        return self.render_to_response(
            self.get_context_data(
                rows=rows,
                invitations=invitations_pending(tenant=self.organisation),
                events=membership_events(tenant=self.organisation, limit=20),
                invite_form=invite_form or InviteForm(actor_role=self.membership.role),
                role_choices=[
                    (value, label.split(" — ")[0])
                    for value, label in role_choices(actor_role=self.membership.role)
                ],
                error=error,
            ),
            status=status,
        )

    def member_or_404(self, membership_id: int) -> Membership:
        membership = membership_get(tenant=self.organisation, membership_id=membership_id)
        if membership is None:
            raise NotFoundError("No such member.")
        return membership


class MembersView(MembersBase):
    """GET /members/: members, pending invitations, the invite form, the audit log."""

    template_name = "portal/members/list.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.members_page()


class MemberInviteView(MembersBase):
    """POST /members/invite/: invite an email address with a role (emailed a link)."""

    template_name = "portal/members/list.html"

    def post(self, request: HttpRequest) -> HttpResponse:
        form = InviteForm(request.POST, actor_role=self.membership.role)
        if not form.is_valid():
            return self.members_page(invite_form=form, status=422)
        try:
            issued = membership_invite(
                actor=self.membership,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
            )
        except DomainError as error:
            return self.members_page(invite_form=form, error=error.detail, status=422)
        transaction.on_commit(lambda: invitation_email_send(request, issued=issued))
        messages.success(request, f"Invitation sent to {issued.invitation.email}.")
        return HttpResponseRedirect(reverse("portal:members"))


class MemberRoleView(MembersBase):
    """POST /members/<id>/role/: change a member's role."""

    template_name = "portal/members/list.html"

    def post(self, request: HttpRequest, membership_id: int) -> HttpResponse:
        member = self.member_or_404(membership_id)
        form = RoleForm(request.POST)
        if not form.is_valid():
            return self.members_page(error="Choose a role.", status=422)
        try:
            changed = membership_role_change(
                actor=self.membership, membership=member, role=form.cleaned_data["role"]
            )
        except NotFoundError:
            raise
        except DomainError as error:
            return self.members_page(error=error.detail, status=422)
        messages.success(request, f"{changed.user.email} is now {changed.get_role_display()}.")
        return HttpResponseRedirect(reverse("portal:members"))


class MemberRemoveView(MembersBase):
    """GET /members/<id>/remove/: the confirmation page; POST: remove the member."""

    template_name = "portal/members/remove.html"
    read_roles = MANAGER_ROLES  # the confirmation page offers an action: managers only

    def get(self, request: HttpRequest, membership_id: int) -> HttpResponse:
        member = self.member_or_404(membership_id)
        return self.render_to_response(self.get_context_data(member=member))

    def post(self, request: HttpRequest, membership_id: int) -> HttpResponse:
        member = self.member_or_404(membership_id)
        try:
            membership_remove(actor=self.membership, membership=member)
        except NotFoundError:
            raise
        except DomainError as error:
            self.template_name = "portal/members/list.html"
            return self.members_page(error=error.detail, status=422)
        messages.success(request, f"{member.user.email} was removed.")
        if member.pk == self.membership.pk:
            return HttpResponseRedirect(reverse("account_logout"))
        return HttpResponseRedirect(reverse("portal:members"))


class InvitationRevokeView(MembersBase):
    """POST /members/invitations/<id>/revoke/: cancel a pending invitation."""

    template_name = "portal/members/list.html"

    def post(self, request: HttpRequest, invitation_id: int) -> HttpResponse:
        invitation = invitation_get(tenant=self.organisation, invitation_id=invitation_id)
        if invitation is None:
            raise NotFoundError("No such invitation.")
        try:
            invitation_revoke(actor=self.membership, invitation=invitation)
        except NotFoundError:
            raise
        except DomainError as error:
            return self.members_page(error=error.detail, status=422)
        messages.success(request, f"The invitation of {invitation.email} was revoked.")
        return HttpResponseRedirect(reverse("portal:members"))


class InvitationAcceptView(View):
    """GET/POST /invitations/<token>/ on the tenant's host, for the invited person (who is not a
    member yet, so this is not a PortalView).

    Anonymous: the page offers to log in or to create an account with the invited address
    (sign-up on a tenant host is open only while an invitation is held in the session). Logged
    in with the invited address: a button accepts (POST). Logged in as someone else: told so.
    """

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if getattr(request, "host_kind", None) != "tenant":
            return page_not_found(request)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        invitation = invitation_for_token(token=token, tenant=request.tenant)
        if invitation is None:
            return TemplateResponse(request, "portal/members/invitation_invalid.html", status=404)
        if not request.user.is_authenticated:
            request.session[INVITATION_SESSION_KEY] = token
        is_invited_user = (
            request.user.is_authenticated and request.user.email.lower() == invitation.email.lower()
        )
        return TemplateResponse(
            request,
            "portal/members/invitation.html",
            {
                "invitation": invitation,
                "is_invited_user": is_invited_user,
                "here": request.get_full_path(),
            },
        )

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        if not request.user.is_authenticated:
            return HttpResponseRedirect(request.get_full_path())
        try:
            membership_accept(token=token, user=request.user)
        except NotFoundError:
            return TemplateResponse(request, "portal/members/invitation_invalid.html", status=404)
        except ConflictError:
            return HttpResponseRedirect("/")
        except DomainError as error:
            invitation = invitation_for_token(token=token, tenant=request.tenant)
            return TemplateResponse(
                request,
                "portal/members/invitation.html",
                {"invitation": invitation, "is_invited_user": False, "error": error.detail},
                status=422,
            )
        request.session.pop(INVITATION_SESSION_KEY, None)
        messages.success(request, f"Welcome to {request.tenant.organisation.name}.")
        return HttpResponseRedirect("/")
