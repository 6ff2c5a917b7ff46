"""Key authentication: a presented bearer token → the verified ``KeyContext`` of the call.

Verified keys are kept in process memory for ``API_KEY_CACHE_SECONDS`` (5 s; one loader at a time,
so an expiring entry never stampedes PostgreSQL): a warm call runs no SQL. The cache registers for
the ``tenant``, ``api_key`` and ``plan`` invalidation topics (``core.invalidation``), so a
suspension, a revocation, a roll or a plan change reaches this process at once and every other
within 5 s.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings

from api.gateway.errors import InsufficientScopeError, InvalidApiKeyError, TenantSuspendedError
from apikeys.keys import api_key_hash, api_key_parse
from apikeys.scopes import scope_is_granted
from apikeys.selectors import api_key_secret_find
from billing.models import Plan
from billing.selectors import period_bounds, plan_of
from core.cache import TtlCache
from metering.selectors import usage_period_billable_calls
from tenants.models import Tenant


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
    # Billable calls of the current period in PostgreSQL when the key was loaded: seeds the
    # Redis quota counter if Redis lost it.
    period_calls_seed: int

    @property
    def livemode(self) -> bool:
        return self.mode == "live"

    def has_scope(self, required: str) -> bool:
        return scope_is_granted(granted=self.scopes, required=required)


_key_cache = TtlCache(ttl=5.0, max_entries=50_000)


def key_cache_clear() -> None:
    """Forget verified keys in this process (others forget theirs within API_KEY_CACHE_SECONDS)."""
    _key_cache.clear()


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
        period_calls_seed=usage_period_billable_calls(
            organisation_id=organisation.pk, since=period_start
        ),
    )


def key_authenticate(raw_key: str | None, *, host_tenant: Tenant | None) -> KeyContext:
    """The verified key's context, or InvalidApiKeyError / TenantSuspendedError (see module)."""
    if not raw_key:
        raise InvalidApiKeyError(
            "No API key given: send it as 'Authorization: Bearer <key>'.",
            headers={"WWW-Authenticate": 'Bearer realm="openchance"'},
        )
    parsed = api_key_parse(raw_key)
    if parsed is None:
        # Refused before any lookup: not the shape of a key, or its checksum does not match.
        raise InvalidApiKeyError("The API key is malformed (bad format or checksum).")
    secret_hash = api_key_hash(parsed.raw)
    context = _key_cache.get_or_load(
        secret_hash,
        lambda: _key_context_load(secret_hash),
        ttl=settings.API_KEY_CACHE_SECONDS,
    )
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
