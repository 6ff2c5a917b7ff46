"""Writes of an organisation's members: invitations, joining, role changes, removal.

The rules every write here keeps:

- who may do what: owners everything; admins manage members but never owners (they cannot
  invite, promote to, demote from, or remove the owner role); developers and viewers change
  nothing (``MembershipError`` ``forbidden``);
- an organisation always keeps an owner: the last owner can neither be demoted nor removed
  (``last_owner``). The owner memberships are locked (``SELECT … FOR UPDATE``) while a change is
  decided, so two owners demoting each other at once cannot both succeed;
- every change writes a ``MembershipEvent`` in the same transaction (the audit log).
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from core.errors import BusinessRuleError, ConflictError, NotFoundError
from tenants.models import Invitation, Membership, MembershipEvent, Tenant, User

Role = Membership.Role
MANAGER_ROLES = frozenset({Role.OWNER, Role.ADMIN})


class MembershipError(BusinessRuleError):
    """A member change refused by a rule; ``code`` says which (see the module docstring)."""


@dataclass(frozen=True)
class IssuedInvitation:
    invitation: Invitation
    # The raw token for the emailed link. THE ONLY TIME it is available: only its hash is stored.
    token: str


def invitation_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _event(
    *, tenant: Tenant, action: str, actor: User | None, subject_email: str, **detail
) -> MembershipEvent:
    return MembershipEvent.objects.create(
        tenant=tenant,
        action=action,
        actor=actor,
        actor_email=actor.email if actor is not None else "",
        subject_email=subject_email,
        detail=detail,
    )


def _require_manager(actor: Membership, *, touches_owner: bool) -> None:
    if actor.role not in MANAGER_ROLES:
        raise MembershipError("Only owners and admins manage members.", code="forbidden")
    if touches_owner and actor.role != Role.OWNER:
        raise MembershipError("Only an owner can manage owners.", code="forbidden")


def _lock_owners(tenant: Tenant) -> list[Membership]:
    return list(
        Membership.objects.select_for_update().filter(tenant=tenant, role=Role.OWNER).order_by("pk")
    )


def membership_invite(
    *, actor: Membership, email: str, role: str, expires_in: timedelta | None = None
) -> IssuedInvitation:
    """Invite ``email`` to ``actor``'s organisation with ``role``. A pending invitation of the
    same address is replaced (revoked). Refused: a bad address or role, an existing member."""
    tenant = actor.tenant
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise MembershipError(
            f"{email!r} is not a valid email address.", code="invalid_email"
        ) from None
    if role not in Role.values:
        raise MembershipError(f"Unknown role {role!r}.", code="invalid_role")
    _require_manager(actor, touches_owner=role == Role.OWNER)
    expires_in = expires_in or timedelta(days=settings.PORTAL_INVITATION_DAYS)
    with transaction.atomic():
        if Membership.objects.filter(tenant=tenant, user__email__iexact=email).exists():
            raise MembershipError(f"{email} is already a member.", code="already_member")
        now = timezone.now()
        Invitation.objects.filter(
            tenant=tenant,
            email__iexact=email,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
        ).update(revoked_at=now)
        token = secrets.token_urlsafe(32)
        invitation = Invitation.objects.create(
            tenant=tenant,
            email=email,
            role=role,
            token_hash=invitation_token_hash(token),
            invited_by=actor.user,
            expires_at=now + expires_in,
        )
        _event(
            tenant=tenant, action=MembershipEvent.Action.INVITED, actor=actor.user,
            subject_email=email, role=role,
        )  # fmt: skip
    return IssuedInvitation(invitation=invitation, token=token)


def invitation_revoke(*, actor: Membership, invitation: Invitation) -> Invitation:
    if invitation.tenant_id != actor.tenant_id:
        raise NotFoundError("No such invitation.")
    _require_manager(actor, touches_owner=invitation.role == Role.OWNER)
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not invitation.is_pending:
            raise MembershipError("This invitation is no longer pending.", code="not_pending")
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        _event(
            tenant=invitation.tenant, action=MembershipEvent.Action.INVITATION_REVOKED,
            actor=actor.user, subject_email=invitation.email, role=invitation.role,
        )  # fmt: skip
    return invitation


def membership_accept(*, token: str, user: User) -> Membership:
    """``user`` accepts the invitation of ``token``: they must be logged in with the invited
    address. Refused: unknown/used/expired token (``NotFoundError``, one answer for all), another
    address (``wrong_account``), already a member (``already_member``)."""
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .select_related("tenant")
            .filter(token_hash=invitation_token_hash(token))
            .first()
        )
        if invitation is None or not invitation.is_pending:
            raise NotFoundError("This invitation is not valid (used, revoked or expired).")
        if invitation.email.lower() != user.email.lower():
            raise MembershipError(
                f"This invitation is for {invitation.email}; log in with that address.",
                code="wrong_account",
            )
        if Membership.objects.filter(tenant=invitation.tenant, user=user).exists():
            raise ConflictError("You are already a member.", code="already_member")
        membership = Membership.objects.create(
            user=user, tenant=invitation.tenant, role=invitation.role
        )
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        _event(
            tenant=invitation.tenant, action=MembershipEvent.Action.JOINED, actor=user,
            subject_email=user.email, role=invitation.role,
        )  # fmt: skip
    return membership


def membership_role_change(*, actor: Membership, membership: Membership, role: str) -> Membership:
    """Give ``membership`` the ``role``. Refused: another organisation's member (not found), a
    role the actor may not grant or take away, demoting the last owner (``last_owner``)."""
    if membership.tenant_id != actor.tenant_id:
        raise NotFoundError("No such member.")
    if role not in Role.values:
        raise MembershipError(f"Unknown role {role!r}.", code="invalid_role")
    with transaction.atomic():
        owners = _lock_owners(membership.tenant)
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        _require_manager(actor, touches_owner=Role.OWNER in (membership.role, role))
        if membership.role == role:
            return membership
        if membership.role == Role.OWNER and len(owners) == 1:
            raise MembershipError(
                "The last owner cannot be demoted: make someone else an owner first.",
                code="last_owner",
            )
        previous = membership.role
        membership.role = role
        membership.save(update_fields=["role"])
        _event(
            tenant=membership.tenant, action=MembershipEvent.Action.ROLE_CHANGED,
            actor=actor.user, subject_email=membership.user.email, role=role, previous=previous,
        )  # fmt: skip
    return membership


def membership_remove(*, actor: Membership, membership: Membership) -> None:
    """Remove ``membership`` from its organisation (the account stays). Refused: another
    organisation's member (not found), an owner by a non-owner, the last owner (``last_owner``)."""
    if membership.tenant_id != actor.tenant_id:
        raise NotFoundError("No such member.")
    with transaction.atomic():
        owners = _lock_owners(membership.tenant)
        membership = (
            Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
        )
        _require_manager(actor, touches_owner=membership.role == Role.OWNER)
        if membership.role == Role.OWNER and len(owners) == 1:
            raise MembershipError(
                "The last owner cannot be removed: make someone else an owner first.",
                code="last_owner",
            )
        _event(
            tenant=membership.tenant, action=MembershipEvent.Action.REMOVED, actor=actor.user,
            subject_email=membership.user.email, role=membership.role,
        )  # fmt: skip
        membership.delete()
