"""Reads of tenancy: which tenant a host or schema belongs to, members, and the like."""

import threading
import time
from dataclasses import dataclass
from typing import Literal

from django.conf import settings

from tenants.models import Domain, Membership, Tenant, User

HostKind = Literal["public", "api", "tenant"]

# Host → tenant answers are cached in each process for this long: a resolved host costs no query,
# and a suspension or a removed domain reaches every process within this many seconds.
HOST_CACHE_SECONDS = 5.0


@dataclass(frozen=True)
class HostResolution:
    kind: HostKind
    tenant: Tenant | None = None


class _TtlCache:
    def __init__(self, ttl: float):
        self.ttl = ttl
        self._entries: dict[str, tuple[float, object]] = {}
        self._lock = threading.Lock()

    def get(self, key: str, default=None):
        entry = self._entries.get(key)
        if entry is None or entry[0] < time.monotonic():
            return default
        return entry[1]

    def set(self, key: str, value: object) -> None:
        with self._lock:
            if len(self._entries) > 10_000:
                self._entries.clear()
            self._entries[key] = (time.monotonic() + self.ttl, value)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


_host_cache = _TtlCache(HOST_CACHE_SECONDS)
_MISSING = object()


def host_cache_clear() -> None:
    """Forget cached host answers in this process (other processes expire theirs within TTL)."""
    _host_cache.clear()


def host_normalize(raw_host: str) -> str:
    host = raw_host.strip().lower()
    if host.startswith("["):  # IPv6 literal
        return host.split("]")[0] + "]"
    return host.rsplit(":", 1)[0].rstrip(".") if ":" in host else host.rstrip(".")


def tenant_for_host(host: str) -> HostResolution | None:
    """What a (normalized) host serves, or None for a host the platform does not know."""
    cached = _host_cache.get(host, _MISSING)
    if cached is not _MISSING:
        return cached
    resolution = _tenant_for_host_uncached(host)
    _host_cache.set(host, resolution)
    return resolution


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
