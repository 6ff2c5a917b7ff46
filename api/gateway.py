"""The API gateway: key authentication, limits and metering, independent of any protocol.

REST views reach it through ``api.bases.ApiView``; the WebSocket consumer and GraphQL call these
functions directly:

``key_authenticate(raw_key, *, host_tenant) -> KeyContext``
    Verify ``raw_key`` (the bearer token). ``host_tenant`` is the tenant of the host the call came
    in on, or None on the shared API host (where the key alone selects the tenant). Raises
    ``InvalidApiKeyError`` (401) for a missing, malformed, unknown, revoked, expired or foreign
    key and ``TenantSuspendedError`` (403). The context's ``tenant`` is the live or sandbox
    ``Tenant`` row whose schema the call must run in (the caller switches to it).
``rate_limit_check(context, *, cost=1) -> LimitResult``
    Take ``cost`` tokens from the tenant's bucket (per plan: rate and burst; per mode) and count
    the call toward the monthly quota (live keys only). ``result.allowed`` is false when refused;
    ``LimitExceededError.from_result(result)`` is the 429 to answer with, and ``result.headers()``
    the rate-limit headers every response carries.
``usage_record(context, *, method, route, status, duration_ms, request_bytes, response_bytes,
request_id, path="", is_billable=True, request_excerpt="", response_excerpt="") -> None``
    Meter one call. Never blocks on I/O: the record joins a per-process buffer that goes to Redis
    with the next ``rate_limit_check`` (same pipeline, same round trip) or, when the process is
    idle, from a background thread within ``USAGE_PUSH_INTERVAL``; ``billing.services.usage_flush``
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

import atexit
import hashlib
import hmac
import logging
import math
import os
import threading
import time
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django_redis import get_redis_connection
from redis.exceptions import NoScriptError, RedisError

from api.keys import api_key_hash, api_key_parse
from api.models import ApiKeySecret
from api.scopes import scope_is_granted
from billing.metering import USAGE_STREAM, UsageRecord
from billing.models import Plan
from billing.selectors import usage_period_billable_calls
from core.cache import TtlCache
from core.errors import DomainError
from tenants.models import Tenant

logger = logging.getLogger(__name__)


# --- Errors (rendered as problem+json by api.exceptions, ``extra`` merged into the body)


class GatewayError(DomainError):
    def __init__(self, detail: str, *, headers: dict[str, str] | None = None, **extra):
        super().__init__(detail, **extra)
        self.headers = headers or {}


class InvalidApiKeyError(GatewayError):
    status = 401
    code = "invalid_api_key"
    title = "Invalid API key"


class InsufficientScopeError(GatewayError):
    status = 403
    code = "insufficient_scope"
    title = "Insufficient scope"


class TenantSuspendedError(GatewayError):
    status = 403
    code = "tenant_suspended"
    title = "Tenant suspended"


class LimitExceededError(GatewayError):
    """A 429: ``from_result`` builds the right one (rate or quota) from a refused LimitResult."""

    status = 429
    code = "rate_limited"
    title = "Rate limit exceeded"

    @staticmethod
    def from_result(result: "LimitResult") -> "LimitExceededError":
        upgrade = _plan_that_lifts(result)
        lift = (
            f" The {upgrade['name']} plan lifts it ({_plan_limit_text(upgrade, result.code)})."
            if upgrade
            else ""
        )
        if result.code == "quota_exceeded":
            return QuotaExceededError(
                f"The {result.plan_name} plan's {result.included_calls:,} calls this month are "
                f"used up; the quota resets on {result.period_end:%Y-%m-%d}.{lift}",
                headers=result.headers(),
                limit={"name": "monthly_quota", "included_calls": result.included_calls},
                plan=result.plan_code,
                upgrade_plan=upgrade["code"] if upgrade else None,
                retry_after=result.retry_after,
            )
        return RateLimitedError(
            f"Rate limit of {result.rate_per_second}/s (burst {result.limit}) on the "
            f"{result.plan_name} plan exceeded; retry after {result.retry_after} s.{lift}",
            headers=result.headers(),
            limit={
                "name": "rate",
                "rate_per_second": result.rate_per_second,
                "burst": result.limit,
                "cost": result.cost,
            },
            plan=result.plan_code,
            upgrade_plan=upgrade["code"] if upgrade else None,
            retry_after=result.retry_after,
        )


class RateLimitedError(LimitExceededError):
    pass


class QuotaExceededError(LimitExceededError):
    code = "quota_exceeded"
    title = "Monthly quota exceeded"


# --- Keys


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


def period_bounds(now: datetime | None = None) -> tuple[datetime, datetime]:
    """The billing period containing ``now``: the calendar month (UTC), [start, end)."""
    now = now or datetime.now(UTC)
    start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    end = (
        start.replace(year=start.year + 1, month=1)
        if start.month == 12
        else start.replace(month=start.month + 1)
    )
    return start, end


def _key_context_load(secret_hash: str) -> KeyContext | None:
    secret = (
        ApiKeySecret.objects.select_related("api_key__tenant__plan", "api_key__tenant__sandbox")
        .filter(secret_hash=secret_hash)
        .first()
    )
    # The index lookup found the row; compare anyway in constant time, as a matter of principle.
    if secret is None or not hmac.compare_digest(secret.secret_hash, secret_hash):
        return None
    key = secret.api_key
    organisation = key.tenant
    if key.mode == "live":
        tenant = organisation
    else:
        tenant = organisation.sandbox
        tenant.live_tenant = organisation  # so tenant.organisation costs no query later
    plan = organisation.plan or Plan.objects.get(code="free")
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


# --- Limits


@dataclass(frozen=True)
class LimitResult:
    allowed: bool
    code: str | None  # None when allowed, else "rate_limited" or "quota_exceeded"
    limit: int  # the burst: the bucket's capacity
    remaining: int
    reset_seconds: int  # until the bucket is full again
    retry_after: int | None  # seconds, when refused
    rate_per_second: int
    cost: int
    plan_code: str
    plan_name: str
    included_calls: int | None
    period_calls: int | None  # billable calls this period, None when Redis is unreachable
    period_start: datetime
    period_end: datetime
    is_degraded: bool  # decided by the per-process fallback limiter (Redis unreachable)

    def headers(self) -> dict[str, str]:
        window = max(1, math.ceil(self.limit / max(self.rate_per_second, 1)))
        headers = {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(math.ceil(time.time()) + self.reset_seconds),
            "RateLimit-Policy": f'"{self.plan_code}";q={self.limit};w={window}',
            "RateLimit": f'"{self.plan_code}";r={self.remaining};t={self.reset_seconds}',
        }
        if self.retry_after is not None:
            headers["Retry-After"] = str(self.retry_after)
        return headers


# KEYS: bucket, period counter (live calls of the month).
# ARGV: rate/s, burst, cost, count the call (1/0), hard cap (0: none), counter seed, counter ttl.
# Returns {allowed, code (0 ok, 1 rate, 2 quota), tokens left, retry after ms, period calls}.
# The clock is Redis's own (TIME), so every process agrees on it.
_LIMIT_LUA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local count_call = tonumber(ARGV[4])
local cap = tonumber(ARGV[5])
if redis.call('EXISTS', KEYS[2]) == 0 then
  redis.call('SET', KEYS[2], ARGV[6], 'EX', ARGV[7], 'NX')
end
local used = tonumber(redis.call('GET', KEYS[2]))
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1])
local ts = tonumber(state[2])
if tokens == nil or ts == nil then
  tokens = burst
  ts = now
end
tokens = math.min(burst, tokens + math.max(0, now - ts) * rate / 1000)
local ttl = math.ceil(burst * 1000 / rate) + 1000
if cap > 0 and used >= cap then
  return {0, 2, math.floor(tokens), 0, used}
end
if tokens < cost then
  redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', now)
  redis.call('PEXPIRE', KEYS[1], ttl)
  return {0, 1, math.floor(tokens), math.ceil((cost - tokens) * 1000 / rate), used}
end
tokens = tokens - cost
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', now)
redis.call('PEXPIRE', KEYS[1], ttl)
if count_call == 1 then
  used = redis.call('INCR', KEYS[2])
end
return {1, 0, math.floor(tokens), 0, used}
"""
_LIMIT_SHA = hashlib.sha1(_LIMIT_LUA.encode()).hexdigest()  # noqa: S324 - Redis's script id
_COUNTER_TTL_SECONDS = 40 * 24 * 3600


def _bucket_key(context: KeyContext) -> str:
    return f"oc:rl:{context.organisation.pk}:{context.mode}"


def _period_key(organisation_id: int, period_start: datetime) -> str:
    return f"oc:calls:{organisation_id}:{period_start:%Y%m}"


class _RedisState:
    """Whether this process currently believes Redis is reachable (a small circuit breaker)."""

    def __init__(self):
        self.unavailable_until = 0.0
        self.is_down = False

    @property
    def is_available(self) -> bool:
        return time.monotonic() >= self.unavailable_until

    def failed(self, exc: Exception) -> None:
        if not self.is_down:
            logger.warning("Redis unreachable (%s): gateway fails open", exc.__class__.__name__)
        self.is_down = True
        self.unavailable_until = time.monotonic() + settings.GATEWAY_REDIS_RETRY_SECONDS

    def succeeded(self) -> None:
        if self.is_down:
            self.is_down = False
            logger.warning("Redis reachable again: %s usage records to send", len(_usage_buffer))


_redis_state = _RedisState()


def _redis():
    """This process's Redis client. Django's cache handles are per thread, and ASGI runs each
    request in a thread of its own, so fetching one per call would rebuild it every request; a
    redis-py client is thread-safe and shares one connection pool."""
    global _redis_client, _redis_client_pid
    if _redis_client is None or _redis_client_pid != os.getpid():
        _redis_client, _redis_client_pid = get_redis_connection("default"), os.getpid()
    return _redis_client


_redis_client = None
_redis_client_pid: int | None = None


class _FallbackLimiter:
    """Per-process token buckets used while Redis is unreachable."""

    def __init__(self):
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str, *, rate: int, burst: int, cost: int) -> tuple[bool, float]:
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(key, (float(burst), now))
            tokens = min(float(burst), tokens + (now - last) * rate)
            allowed = tokens >= cost
            if allowed:
                tokens -= cost
            self._buckets[key] = (tokens, now)
            return allowed, tokens

    def clear(self) -> None:
        with self._lock:
            self._buckets.clear()


_fallback = _FallbackLimiter()


def rate_limit_check(context: KeyContext, *, cost: int = 1) -> LimitResult:
    """Take ``cost`` tokens and count the call (see module). One Redis round trip, which also
    carries the process's pending usage records."""
    plan = context.plan
    rate, burst = max(plan.rate_per_second, 1), max(plan.burst, 1)
    cost = max(1, min(cost, burst))  # a cost above the burst could never pass
    period_start, period_end = period_bounds()
    included = plan.included_calls
    cap = included if (plan.is_hard_cap and included and context.livemode) else 0
    args = [rate, burst, cost, 1 if context.livemode else 0, cap or 0, context.period_calls_seed]
    keys = [_bucket_key(context), _period_key(context.organisation.pk, period_start)]
    reply = None
    if _redis_state.is_available:
        try:
            reply = _usage_buffer.push_with([*keys, *args, _COUNTER_TTL_SECONDS])
        except RedisError as exc:
            _redis_state.failed(exc)
    common = {
        "limit": burst,
        "rate_per_second": rate,
        "cost": cost,
        "plan_code": plan.code,
        "plan_name": plan.name,
        "included_calls": included,
        "period_start": period_start,
        "period_end": period_end,
    }
    if reply is None:
        allowed, tokens = _fallback.take(keys[0], rate=rate, burst=burst, cost=cost)
        retry_after = None if allowed else math.ceil((cost - tokens) / rate)
        return LimitResult(
            allowed=allowed,
            code=None if allowed else "rate_limited",
            remaining=int(tokens),
            reset_seconds=math.ceil((burst - tokens) / rate),
            retry_after=retry_after,
            period_calls=None,
            is_degraded=True,
            **common,
        )
    allowed, code, tokens, retry_ms, used = (int(value) for value in reply)
    retry_after = None
    if code == 1:
        retry_after = max(1, math.ceil(retry_ms / 1000))
    elif code == 2:
        retry_after = max(1, math.ceil((period_end - datetime.now(UTC)).total_seconds()))
    return LimitResult(
        allowed=bool(allowed),
        code={0: None, 1: "rate_limited", 2: "quota_exceeded"}[code],
        remaining=tokens,
        reset_seconds=math.ceil((burst - tokens) / rate),
        retry_after=retry_after,
        period_calls=used,
        is_degraded=False,
        **common,
    )


def rate_limit_reset(*, organisation_id: int) -> None:
    """Refill a tenant's buckets (both modes) in Redis and in this process: operators, tests."""
    _redis().delete(f"oc:rl:{organisation_id}:live", f"oc:rl:{organisation_id}:test")
    _fallback.clear()


_plans_cache = TtlCache(ttl=60)


def _public_plans() -> list[dict]:
    return _plans_cache.get_or_load(
        "plans",
        lambda: list(
            Plan.objects.filter(is_public=True).values(
                "code", "name", "rate_per_second", "burst", "included_calls", "is_hard_cap"
            )
        ),
    )


def _plan_that_lifts(result: LimitResult) -> dict | None:
    """The cheapest public plan (in listing order) that lifts the limit that was hit."""
    for plan in _public_plans():
        if result.code == "quota_exceeded":
            if not plan["is_hard_cap"] or (plan["included_calls"] or 0) > result.included_calls:
                return plan
        elif plan["rate_per_second"] > result.rate_per_second or plan["burst"] > result.limit:
            return plan
    return None


def _plan_limit_text(plan: dict, code: str | None) -> str:
    if code == "quota_exceeded":
        included = plan["included_calls"]
        return "unlimited calls" if included is None else f"{included:,} calls a month"
    return f"{plan['rate_per_second']}/s, burst {plan['burst']}"


# --- Metering


class _UsageBuffer:
    """Usage records of this process on their way to Redis (see module docstring)."""

    def __init__(self):
        self._records: deque[dict[str, str]] = deque()
        self._lock = threading.Lock()
        self._dropped = 0
        self._pusher_pid: int | None = None

    def __len__(self) -> int:
        return len(self._records)

    def add(self, fields: dict[str, str]) -> None:
        with self._lock:
            if len(self._records) >= settings.USAGE_BUFFER_MAX_RECORDS:
                self._records.popleft()
                self._dropped += 1
                if self._dropped % 1000 == 1:
                    logger.error("usage buffer full: %s records dropped so far", self._dropped)
            self._records.append(fields)
        if self._pusher_pid != os.getpid():
            self._start_pusher()

    def _take(self) -> list[dict[str, str]]:
        with self._lock:
            records = list(self._records)
            self._records.clear()
        return records

    def _give_back(self, records: list[dict[str, str]]) -> None:
        with self._lock:
            self._records.extendleft(reversed(records))

    def push_with(self, limit_args: list | None = None):
        """One pipeline: the limit script (when ``limit_args`` are given) plus an XADD per pending
        record. Returns the script's reply. On a Redis error the records go back to the buffer
        and the error propagates."""
        records = self._take()
        if limit_args is None and not records:
            return None
        redis = _redis()
        pipe = redis.pipeline(transaction=False)
        if limit_args is not None:
            pipe.evalsha(_LIMIT_SHA, 2, *limit_args)
        for fields in records:
            pipe.xadd(USAGE_STREAM, fields)
        try:
            replies = pipe.execute(raise_on_error=False)
        except RedisError:
            self._give_back(records)
            raise
        reply = None
        if limit_args is not None:
            reply, replies = replies[0], replies[1:]
            if isinstance(reply, NoScriptError):
                # First call against this Redis (or it restarted): load the script, run it again.
                redis.script_load(_LIMIT_LUA)
                reply = redis.evalsha(_LIMIT_SHA, 2, *limit_args)
            elif isinstance(reply, Exception):
                raise reply
        failed = [f for f, r in zip(records, replies, strict=True) if isinstance(r, Exception)]
        if failed:
            self._give_back(failed)
        _redis_state.succeeded()
        return reply

    def push(self) -> int:
        """Send pending records to Redis now; returns how many were sent (0 if Redis is down)."""
        pending = len(self._records)
        if not pending or not _redis_state.is_available:
            return 0
        try:
            self.push_with(None)
        except RedisError as exc:
            _redis_state.failed(exc)
            return 0
        return pending

    def _start_pusher(self) -> None:
        with self._lock:
            if self._pusher_pid == os.getpid():
                return
            self._pusher_pid = os.getpid()
        thread = threading.Thread(target=self._run_pusher, name="usage-pusher", daemon=True)
        thread.start()

    def _run_pusher(self) -> None:
        while True:
            time.sleep(settings.USAGE_PUSH_INTERVAL)
            try:
                self.push()
            except Exception:  # the pusher must never die
                logger.exception("usage push failed")


_usage_buffer = _UsageBuffer()
atexit.register(_usage_buffer.push)


def usage_buffer_push() -> int:
    """Send this process's pending usage records to Redis now (tests, shutdown, idle consumers)."""
    return _usage_buffer.push()


def usage_buffer_pending() -> int:
    return len(_usage_buffer)


def usage_record(
    context: KeyContext,
    *,
    method: str,
    route: str,
    status: int,
    duration_ms: float,
    request_bytes: int,
    response_bytes: int,
    request_id: str,
    path: str = "",
    is_billable: bool = True,
    request_excerpt: str = "",
    response_excerpt: str = "",
) -> None:
    """Meter one call (see module): never blocks, never touches PostgreSQL."""
    record = UsageRecord(
        organisation_id=context.organisation.pk,
        tenant_id=context.tenant.pk,
        api_key_id=context.key_id,
        mode=context.mode,
        method=method,
        route=route,
        path=path,
        status=status,
        duration_ms=duration_ms,
        request_bytes=request_bytes,
        response_bytes=response_bytes,
        timestamp_ms=time.time_ns() // 1_000_000,
        request_id=request_id,
        is_billable=is_billable and context.livemode,
        request_excerpt=request_excerpt,
        response_excerpt=response_excerpt,
    )
    _usage_buffer.add(record.to_fields())
