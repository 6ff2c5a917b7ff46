"""Key authentication: a presented bearer token → the verified ``KeyContext`` of the call.

Verified keys are kept in process memory for ``API_KEY_CACHE_SECONDS`` (5 s), or up to
``API_KEY_CACHE_CONFIRMED_SECONDS`` (120 s) while this process keeps confirming the invalidation
generation (every call's Redis round trip carries it, ``pipeline.cache_generation``): a warm call
runs no SQL, and with thousands of tenants' keys in rotation a key is not reloaded every 5 s.
The cache is LRU-bounded (``KEY_CACHE_MAX_ENTRIES``). One lookup per key at a time: concurrent
calls with the same cold key share the first one's answer — or its error, so that while
PostgreSQL is unavailable they fail together within the pool timeout instead of one after
another — and calls with different keys never wait for each other.
Unknown keys are cached too (as ``None``, for the same time), so repeating one costs no lookup.
A key this process has not verified costs a lookup only while its client address is within its
failed-authentication limit (``api.gateway.auth_guard``): random keys with a valid checksum
cannot flood PostgreSQL. The cache registers for the ``tenant``, ``api_key`` and ``plan``
invalidation topics (``core.invalidation``), so a suspension, a revocation, a roll, a plan
change or a billing change (spend cap, pay-as-you-go, restriction: billing's ``CallLimits``,
held in the context) made through a service reaches this process at once and every other at its
next call (the generation moved); with Redis unreachable, within 5 s. A change written to
PostgreSQL by hand, past the services, reaches them within ``API_KEY_CACHE_CONFIRMED_SECONDS``.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings

from api.gateway.auth_guard import (
    auth_failure_record,
    auth_failures_check,
    client_address_current,
)
from api.gateway.errors import InsufficientScopeError, InvalidApiKeyError, TenantSuspendedError
from api.gateway.pipeline import cache_generation
from apikeys.keys import api_key_hash, api_key_parse
from apikeys.scopes import scope_is_granted
from apikeys.selectors import api_key_secret_find
from billing.models import Plan
from billing.selectors import CallLimits, call_limits_of, period_bounds, plan_of
from core.cache import TtlCache
from metering.selectors import usage_period_billable_calls
from tenants.models import Tenant
from tenants.selectors import host_cache_clear


@dataclass(frozen=True)
class KeyContext:
    """A verified key and what it acts on. Cached per process; treat it as read-only."""

    key_id: str
    key_name: str
    mode: str
    scopes: frozenset[str]
    display_prefix: str
    last_four: str
    key_expires_at: datetime | None
    secret_expires_at: datetime | None
    is_revoked: bool
    tenant: Tenant  # the row whose schema serves the call: live row, or the sandbox twin
    organisation: Tenant  # the live row: plan, status, domains, billing
    plan: Plan
    # What billing allows the live calls (quota, spend cap, restriction): loaded and forgotten
    # with the plan (invalidation topic "plan"), so the limit check reads it from memory.
    call_limits: CallLimits
    # Billable calls of the period starting at seed_period_start in PostgreSQL when the key was
    # loaded: seeds the Redis quota counter if Redis lost it (in that period only).
    period_calls_seed: int
    seed_period_start: datetime | None = None

    @property
    def livemode(self) -> bool:
        return self.mode == "live"

    def has_scope(self, required: str) -> bool:
        return scope_is_granted(granted=self.scopes, required=required)


# Verified keys: API_KEY_CACHE_SECONDS (5 s), or up to API_KEY_CACHE_CONFIRMED_SECONDS while the
# gateway's round trips confirm the invalidation generation (``pipeline.cache_generation``; see
# ``core.cache``). LRU past max_entries (a context is a few KiB: the tenant and plan rows).
KEY_CACHE_MAX_ENTRIES = 20_000
_key_cache = TtlCache(
    ttl=5.0,
    max_entries=KEY_CACHE_MAX_ENTRIES,
    confirmed_ttl=getattr(settings, "API_KEY_CACHE_CONFIRMED_SECONDS", 120.0),
)


def _key_context_get(secret_hash: str) -> KeyContext | None:
    """The cached context (None: unknown key), or the outcome of one lookup shared by every call
    that wants this key meanwhile (``TtlCache.get_or_load``)."""
    return _key_cache.get_or_load(
        secret_hash,
        lambda: _key_context_load(secret_hash),
        ttl=settings.API_KEY_CACHE_SECONDS,
    )


def key_cache_clear() -> None:
    """Forget verified keys and host answers in this process, and move the invalidation
    generation in Redis so that every other process forgets them at its next call (within
    API_KEY_CACHE_SECONDS whatever happens)."""
    _caches_forget()
    cache_generation.bump()


def _caches_forget() -> None:
    _key_cache.clear()
    host_cache_clear()


cache_generation.on_change(_caches_forget)


def _key_context_load(secret_hash: str) -> KeyContext | None:
    secret = api_key_secret_find(secret_hash=secret_hash)
    if secret is None:
        return None
    key = secret.api_key
    organisation = key.tenant
    if key.mode == "live":
        tenant = organisation
    else:
        tenant = organisation.sandbox
        tenant.live_tenant = organisation  # so tenant.organisation costs no query later
    plan = plan_of(organisation)
    period_start, _ = period_bounds()
    return KeyContext(
        key_id=key.pk,
        key_name=key.name,
        mode=key.mode,
        scopes=frozenset(key.scopes or ["all"]),
        display_prefix=key.display_prefix,
        last_four=key.last_four,
        key_expires_at=key.expires_at,
        secret_expires_at=secret.expires_at,
        is_revoked=key.revoked_at is not None,
        tenant=tenant,
        organisation=organisation,
        plan=plan,
        call_limits=call_limits_of(organisation),
        period_calls_seed=usage_period_billable_calls(
            organisation_id=organisation.pk, since=period_start
        ),
        seed_period_start=period_start,
    )


def key_authenticate(
    raw_key: str | None, *, host_tenant: Tenant | None, client_address: str | None = None
) -> KeyContext:
    """The verified key's context, or InvalidApiKeyError / TenantSuspendedError (see module), or
    TooManyFailedAuthenticationsError (429) when ``client_address`` — by default the address
    bound for this HTTP request — is past its failed-authentication limit and the key is not
    verified in this process."""
    if not raw_key:
        raise InvalidApiKeyError(
            "No API key given: send it as 'Authorization: Bearer <key>'.",
            headers={"WWW-Authenticate": 'Bearer realm="openchance"'},
        )
    parsed = api_key_parse(raw_key)
    if parsed is None:
        # Refused before any lookup: not the shape of a key, or its checksum does not match.
        raise InvalidApiKeyError("The API key is malformed (bad format or checksum).")
    address = client_address_current() if client_address is None else client_address
    secret_hash = api_key_hash(parsed.raw)
    if _key_cache.get(secret_hash) is None:
        # Not verified here (never seen, expired from the cache, or known unknown): only an
        # address within its limit may cost a lookup.
        auth_failures_check(address)
    context = _key_context_get(secret_hash)
    try:
        return _key_context_check(context, host_tenant=host_tenant)
    except InvalidApiKeyError:
        auth_failure_record(address)
        raise


def _key_context_check(context: KeyContext | None, *, host_tenant: Tenant | None) -> KeyContext:
    if context is None:
        raise InvalidApiKeyError("The API key is not valid.")
    now = datetime.now(UTC)
    if context.is_revoked:
        raise InvalidApiKeyError("The API key has been revoked.")
    if context.key_expires_at is not None and context.key_expires_at <= now:
        raise InvalidApiKeyError("The API key has expired.")
    if context.secret_expires_at is not None and context.secret_expires_at <= now:
        raise InvalidApiKeyError("The API key has been rolled and its grace period is over.")
    if host_tenant is not None and host_tenant.organisation.pk != context.organisation.pk:
        raise InvalidApiKeyError("The API key does not belong to the tenant of this host.")
    if context.organisation.status == Tenant.Status.SUSPENDED:
        raise TenantSuspendedError(
            f"The tenant {context.organisation.slug!r} is suspended; contact support to "
            "reactivate it."
        )
    return context


def scope_check(context: KeyContext, *, required: str) -> None:
    if not context.has_scope(required):
        raise InsufficientScopeError(
            f"This API key lacks the scope {required!r}.", required_scope=required
        )
