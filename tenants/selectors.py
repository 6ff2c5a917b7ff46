"""Reads of tenancy: which tenant a host or schema belongs to, members, and the like."""

import hashlib
import re
from dataclasses import dataclass
from typing import Literal

from django.conf import settings
from django.utils import timezone

from core.cache import TtlCache
from tenants.models import Domain, Invitation, Membership, MembershipEvent, Tenant, User

HostKind = Literal["public", "api", "tenant"]

# Host → tenant answers are cached in each process for this long: a resolved host costs no query,
# and a suspension or a removed domain reaches every process within this many seconds — or, for
# a known host, up to HOST_CACHE_CONFIRMED_SECONDS while the process keeps confirming that it saw
# every invalidation (the API gateway does on each call; see core.cache). Unknown hosts are
# remembered HOST_CACHE_SECONDS only, and at most HOST_CACHE_MAX_ENTRIES hosts (LRU): a flood of
# made-up Host headers evicts only itself.
HOST_CACHE_SECONDS = 5.0
HOST_CACHE_CONFIRMED_SECONDS = 120.0
HOST_CACHE_MAX_ENTRIES = 10_000


@dataclass(frozen=True)
class HostResolution:
    kind: HostKind
    tenant: Tenant | None = None


_host_cache = TtlCache(
    ttl=HOST_CACHE_SECONDS,
    max_entries=HOST_CACHE_MAX_ENTRIES,
    confirmed_ttl=HOST_CACHE_CONFIRMED_SECONDS,
    is_none_confirmable=False,
)


def host_cache_clear() -> None:
    """Forget cached host answers in this process (other processes expire theirs within TTL)."""
    _host_cache.clear()


def host_normalize(raw_host: str) -> str:
    host = raw_host.strip().lower()
    if host.startswith("["):  # IPv6 literal
        return host.split("]")[0] + "]"
    return host.rsplit(":", 1)[0].rstrip(".") if ":" in host else host.rstrip(".")


# What a host name can be (RFC 1123 labels, or a bracketed IPv6 literal): anything else — NUL,
# controls, spaces, underscores — is unknown without a lookup (PostgreSQL refuses a NUL outright).
_PLAUSIBLE_HOST = re.compile(r"[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?|\[[0-9a-f:.]{2,45}\]")


def tenant_for_host(host: str) -> HostResolution | None:
    """What a (normalized) host serves, or None for a host the platform does not know."""
    if not _PLAUSIBLE_HOST.fullmatch(host):
        return None
    return _host_cache.get_or_load(host, lambda: _tenant_for_host_uncached(host))


def _tenant_for_host_uncached(host: str) -> HostResolution | None:
    base = settings.BASE_DOMAIN
    if host in (base, f"www.{base}"):
        return HostResolution(kind="public")
    if host == f"api.{base}":
        return HostResolution(kind="api")
    tenant = None
    if host.endswith(f".{base}") and host.count(".") == base.count(".") + 1:
        slug = host[: -len(base) - 1]
        tenant = Tenant.objects.filter(slug=slug, mode=Tenant.Mode.LIVE).first()
    if tenant is None:
        domain = Domain.objects.select_related("tenant").filter(domain=host).first()
        tenant = domain.tenant if domain else None
    if tenant is None:
        return None
    return HostResolution(kind="tenant", tenant=tenant)


def tenant_get_live(*, slug: str) -> Tenant | None:
    return Tenant.objects.select_related("plan").filter(slug=slug, mode=Tenant.Mode.LIVE).first()


def tenant_sandbox(tenant: Tenant) -> Tenant:
    return Tenant.objects.get(live_tenant=tenant)


def membership_for(*, user: User, tenant: Tenant) -> Membership | None:
    return Membership.objects.filter(user=user, tenant=tenant.organisation).first()


def memberships_of_user(*, user: User) -> list[Membership]:
    """The live organisations ``user`` belongs to, with their role, by organisation name."""
    return list(
        Membership.objects.filter(user=user, tenant__mode=Tenant.Mode.LIVE)
        .select_related("tenant")
        .order_by("tenant__name", "tenant__slug")
    )


def memberships_for_email(*, email: str) -> list[Membership]:
    """The organisations of the active account with this email (none if there is no such)."""
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    return memberships_of_user(user=user) if user is not None else []


def membership_get_owner(*, user: User, slug: str) -> Membership | None:
    """``user``'s owner membership of the organisation ``slug``, or None."""
    return (
        Membership.objects.filter(
            user=user, tenant__slug=slug, tenant__mode=Tenant.Mode.LIVE, role=Membership.Role.OWNER
        )
        .select_related("tenant")
        .first()
    )


def membership_of_user_for_slug(*, user: User, slug: str) -> Membership | None:
    return (
        Membership.objects.filter(user=user, tenant__slug=slug, tenant__mode=Tenant.Mode.LIVE)
        .select_related("tenant")
        .first()
    )


def members_of(*, tenant: Tenant) -> list[Membership]:
    """An organisation's members with their accounts: owners first, then by email."""
    order = {"owner": 0, "admin": 1, "developer": 2, "viewer": 3}
    members = list(
        Membership.objects.filter(tenant=tenant.organisation)
        .select_related("user")
        .order_by("user__email")
    )
    return sorted(members, key=lambda membership: order.get(membership.role, 9))


def membership_get(*, tenant: Tenant, membership_id: int) -> Membership | None:
    """A member of ``tenant`` by id: None when missing or another organisation's (one answer)."""
    return (
        Membership.objects.filter(pk=membership_id, tenant=tenant.organisation)
        .select_related("user", "tenant")
        .first()
    )


def invitations_pending(*, tenant: Tenant) -> list[Invitation]:
    return list(
        Invitation.objects.filter(
            tenant=tenant.organisation,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .select_related("invited_by")
        .order_by("-created_at")
    )


def invitation_get(*, tenant: Tenant, invitation_id: int) -> Invitation | None:
    return Invitation.objects.filter(pk=invitation_id, tenant=tenant.organisation).first()


def invitation_for_token(*, token: str, tenant: Tenant) -> Invitation | None:
    """The pending invitation of a raw token to ``tenant``, or None (missing, used, expired,
    revoked or for another organisation: one answer)."""
    invitation = (
        Invitation.objects.filter(
            token_hash=hashlib.sha256(token.encode()).hexdigest(), tenant=tenant.organisation
        )
        .select_related("tenant", "invited_by")
        .first()
    )
    return invitation if invitation is not None and invitation.is_pending else None


def membership_events(*, tenant: Tenant, limit: int = 50) -> list[MembershipEvent]:
    return list(MembershipEvent.objects.filter(tenant=tenant.organisation)[:limit])
