"""The API gateway: key authentication, limits and metering, independent of any protocol.

REST views reach it through ``api.bases.ApiView``; the WebSocket consumer and GraphQL call these
functions directly:

``key_authenticate(raw_key, *, host_tenant, client_address=None) -> KeyContext``
    Verify ``raw_key`` (the bearer token). ``host_tenant`` is the tenant of the host the call came
    in on, or None on the shared API host (where the key alone selects the tenant). Raises
    ``InvalidApiKeyError`` (401) for a missing, malformed, unknown, revoked, expired or foreign
    key, ``TenantSuspendedError`` (403), ``TooManyFailedAuthenticationsError`` (429: the client
    address failed too often; no lookup is made) and ``DatabaseUnavailableError`` (503). The
    context's ``tenant`` is the live or sandbox ``Tenant`` row whose schema the call must run in
    (the caller switches to it).
``rate_limit_check(context, *, cost=1, is_counted=True) -> LimitResult``
    Take ``cost`` tokens from the tenant's bucket (per plan: rate and burst; per mode) and count
    the call toward the monthly quota (live keys only). ``result.allowed`` is false when refused;
    ``LimitExceededError.from_result(result)`` is the error to answer with (429 ``rate_limited``
    or ``quota_exceeded``, 402 ``spend_cap_reached``), and ``result.headers()`` the rate-limit
    headers every response carries. Raises ``PaymentRequiredError`` (402) for a live call of a
    restricted organisation. ``is_counted=False``: billing's own routes (never counted, capped
    or refused for billing reasons).
``usage_record(context, *, method, route, status, duration_ms, request_bytes, response_bytes,
request_id, path="", is_billable=True, request_excerpt="", response_excerpt="",
client_request_id="") -> None``
    Meter one call. Never blocks on I/O: the record joins a per-process buffer that goes to Redis
    with the next ``rate_limit_check`` (same pipeline, same round trip) or, when the process is
    idle, from a background thread within ``USAGE_PUSH_INTERVAL``; ``metering.services.usage_flush``
    folds it into PostgreSQL.

Nothing here writes to PostgreSQL, and a warm call reads nothing from it: verified keys are kept in
process memory for ``API_KEY_CACHE_SECONDS`` (5 s), which bounds how long a revocation, an expiry,
a plan change or a suspension takes to reach every process (the process that makes the change
forgets at once).

Redis outage (documented fail-open): limits fall back to a token bucket per process (the same
rate and burst, so N processes let up to N times the limit through), quotas are not enforced,
and usage records stay in the process buffer until Redis answers again. After a Redis error the
gateway leaves Redis alone for ``GATEWAY_REDIS_RETRY_SECONDS`` so an outage does not add a
connection timeout to every call.
"""

from api.gateway.auth_guard import TooManyFailedAuthenticationsError
from api.gateway.database import DatabaseUnavailableError
from api.gateway.errors import (
    GatewayError,
    InsufficientScopeError,
    InvalidApiKeyError,
    LimitExceededError,
    PaymentRequiredError,
    QuotaExceededError,
    RateLimitedError,
    SpendCapReachedError,
    TenantSuspendedError,
)
from api.gateway.keys import KeyContext, key_authenticate, key_cache_clear, scope_check
from api.gateway.limits import LimitResult, rate_limit_check, rate_limit_reset
from api.gateway.metering import usage_buffer_pending, usage_buffer_push, usage_record

__all__ = [
    "DatabaseUnavailableError",
    "GatewayError",
    "InsufficientScopeError",
    "InvalidApiKeyError",
    "KeyContext",
    "LimitExceededError",
    "LimitResult",
    "PaymentRequiredError",
    "QuotaExceededError",
    "RateLimitedError",
    "SpendCapReachedError",
    "TenantSuspendedError",
    "TooManyFailedAuthenticationsError",
    "key_authenticate",
    "key_cache_clear",
    "rate_limit_check",
    "rate_limit_reset",
    "scope_check",
    "usage_buffer_pending",
    "usage_buffer_push",
    "usage_record",
]
