"""Plan limits: a token bucket per tenant and mode, the monthly quota and the spend cap, in one
Lua script.

The script runs on Redis's own clock (so every process agrees) and rides in the same pipeline as
the process's pending usage records (``pipeline``). While Redis is unreachable each process falls
back to its own buckets with the plan's rate and burst (fail-open; quotas and spend caps are not
enforced).

Billing's part (``billing.selectors.CallLimits``, cached in the ``KeyContext`` like the plan):
a restricted organisation's live calls are refused 402 ``payment_required`` before the script
runs; the script refuses live calls once the period's counter has reached the hard quota (429
``quota_exceeded``) or the spend cap's calls (402 ``spend_cap_reached``). Sandbox calls are
subject to neither. None of it costs a query: the limits come from the cached context and the
counter is the one the quota already keeps.
"""

import math
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from redis.exceptions import RedisError

from api.gateway.errors import PaymentRequiredError
from api.gateway.keys import KeyContext
from api.gateway.pipeline import (
    CACHE_GENERATION_KEY,
    COUNTER_TTL_SECONDS,
    cache_generation,
    data_generation_key,
    redis_client,
    redis_state,
    usage_buffer,
)
from billing.selectors import period_bounds
from core.frozen import frozen_instance


@dataclass(frozen=True)
class LimitResult:
    allowed: bool
    code: str | None  # None when allowed, else rate_limited, quota_exceeded, spend_cap_reached
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
    # The organisation's spend cap (None: none) and what the 402 names: see CallLimits.
    spend_cap_amount: int | None = None
    spend_cap_kind: str = "overage"
    spend_cap_calls: int | None = None
    currency: str = "usd"
    overage_unit_price: Decimal = Decimal(0)
    # The data generation of the call's schema as the limit script read it (see
    # ``api.gateway.pipeline.data_generation_bump``); None when Redis is unreachable.
    data_generation: int | None = None

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


def _bucket_key(context: KeyContext) -> str:
    return f"oc:rl:{context.organisation.pk}:{context.mode}"


class _Period:
    """The current billing period and its counter-key suffix (``YYYYMM`` of its start), computed
    once per period: every call needs them, and ``period_bounds`` and ``strftime`` cost more
    than the rest of the limit check's Python."""

    def __init__(self):
        self._bounds: tuple[datetime, datetime] | None = None
        self._suffix = ""
        self._end_timestamp = 0.0

    def current(self) -> tuple[datetime, datetime, str]:
        if self._bounds is None or time.time() >= self._end_timestamp:
            start, end = period_bounds()
            self._bounds, self._suffix = (start, end), f"{start:%Y%m}"
            self._end_timestamp = end.timestamp()
        start, end = self._bounds
        return start, end, self._suffix


_period = _Period()


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


def rate_limit_check(context: KeyContext, *, cost: int = 1, is_counted: bool = True) -> LimitResult:
    """Take ``cost`` tokens and count the call (see module). One Redis round trip, which also
    carries the process's pending usage records. Raises ``PaymentRequiredError`` (402) for a live
    call of a restricted organisation, before any token is taken.

    ``is_counted=False`` (billing's own routes: usage, invoices, billing settings): the call
    takes its tokens but is neither counted toward the period nor refused by the quota, the spend
    cap or a restriction — a blocked organisation can still read its bill and raise its cap."""
    plan = context.plan
    limits = context.call_limits
    counted_live = context.livemode and is_counted
    if counted_live and limits.is_restricted:
        raise PaymentRequiredError.for_limits(limits)
    rate, burst = max(plan.rate_per_second, 1), max(plan.burst, 1)
    cost = max(1, min(cost, burst))  # a cost above the burst could never pass
    period_start, period_end, period_suffix = _period.current()
    included = plan.included_calls
    quota = (limits.quota_calls or 0) if counted_live else 0  # 0: none (as before: 0 included)
    spend_cap = limits.spend_cap_calls if counted_live else None
    # The seed is the ledger's count for the period the context was loaded in: a context loaded
    # in the last seconds of a month must not seed the next month's counter with it.
    seed = context.period_calls_seed if context.seed_period_start == period_start else 0
    args = [rate, burst, cost, 1 if counted_live else 0, quota, seed]
    keys = [
        _bucket_key(context),
        f"oc:calls:{context.organisation.pk}:{period_suffix}",  # live calls of the month
        CACHE_GENERATION_KEY,
        data_generation_key(context.tenant.schema_name),
    ]
    reply = None
    if redis_state.is_available:
        try:
            spend_cap_arg = -1 if spend_cap is None else spend_cap  # -1: no cap
            reply = usage_buffer.push_with([*keys, *args, COUNTER_TTL_SECONDS, spend_cap_arg])
        except RedisError as exc:
            redis_state.failed(exc)
    common = {
        "limit": burst,
        "rate_per_second": rate,
        "cost": cost,
        "plan_code": plan.code,
        "plan_name": plan.name,
        "included_calls": included,
        "period_start": period_start,
        "period_end": period_end,
        "spend_cap_amount": limits.spend_cap_amount,
        "spend_cap_kind": limits.spend_cap_kind,
        "spend_cap_calls": limits.spend_cap_calls,
        "currency": limits.currency,
        "overage_unit_price": limits.overage_unit_price,
    }
    if reply is None:
        allowed, tokens = _fallback.take(keys[0], rate=rate, burst=burst, cost=cost)
        retry_after = None if allowed else math.ceil((cost - tokens) / rate)
        return frozen_instance(
            LimitResult,
            allowed=allowed,
            code=None if allowed else "rate_limited",
            remaining=int(tokens),
            reset_seconds=math.ceil((burst - tokens) / rate),
            retry_after=retry_after,
            period_calls=None,
            is_degraded=True,
            **common,
        )
    allowed, code, tokens, retry_ms, used, generation, data_generation = (
        int(value) for value in reply
    )
    cache_generation.seen(generation)
    retry_after = None
    if code == 1:
        retry_after = max(1, math.ceil(retry_ms / 1000))
    elif code in (2, 3):  # until the period ends (or, for a spend cap, until it is raised)
        retry_after = max(1, math.ceil((period_end - datetime.now(UTC)).total_seconds()))
    return frozen_instance(
        LimitResult,
        allowed=bool(allowed),
        code=_CODES[code],
        remaining=tokens,
        reset_seconds=math.ceil((burst - tokens) / rate),
        retry_after=retry_after,
        period_calls=used,
        is_degraded=False,
        data_generation=data_generation,
        **common,
    )


_CODES = {0: None, 1: "rate_limited", 2: "quota_exceeded", 3: "spend_cap_reached"}


def rate_limit_reset(*, organisation_id: int) -> None:
    """Refill a tenant's buckets (both modes) in Redis and in this process: operators, tests."""
    redis_client().delete(f"oc:rl:{organisation_id}:live", f"oc:rl:{organisation_id}:test")
    _fallback.clear()
