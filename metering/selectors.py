"""Reads of metering: the usage ledger (per-minute aggregates in the public schema), the flush's
backlog in the Redis stream, and the quarantine."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, Sum
from django.db.models.functions import TruncDay

from metering.models import UsageFlushCursor, UsageMinute, UsageQuarantine
from metering.records import USAGE_STREAM

# Entries at or behind the cursor that the flush has not trimmed yet, counted up to this many.
_TRIM_LAG_COUNTED = 1000


@dataclass(frozen=True)
class UsageFlushBacklog:
    pending: int  # stream entries after the cursor (approximate past 1,000 untrimmed entries)
    lag_seconds: float  # age of the oldest unflushed entry, by Redis's clock; 0 when none
    cursor: str


def usage_flush_backlog(*, redis, stream: str = USAGE_STREAM) -> UsageFlushBacklog:
    """How far the flush is behind the stream: what ``/healthz`` reports. Reads the committed
    cursor (never waits for a running flush's lock) and asks Redis for the oldest entry after
    it; entry ids are Redis's clock in milliseconds, so the age is measured on that clock too."""
    cursor = (
        UsageFlushCursor.objects.filter(stream=stream).values_list("last_id", flat=True).first()
        or "0-0"
    )
    oldest = redis.xrange(stream, min=f"({cursor}", count=1)
    if not oldest:
        return UsageFlushBacklog(pending=0, lag_seconds=0.0, cursor=cursor)
    oldest_id = oldest[0][0].decode() if isinstance(oldest[0][0], bytes) else oldest[0][0]
    seconds, microseconds = redis.time()
    now_ms = seconds * 1000 + microseconds // 1000
    lag_ms = max(0, now_ms - int(oldest_id.split("-")[0]))
    behind = len(redis.xrange(stream, max=cursor, count=_TRIM_LAG_COUNTED))
    return UsageFlushBacklog(
        pending=max(1, redis.xlen(stream) - behind), lag_seconds=lag_ms / 1000, cursor=cursor
    )


def usage_quarantine_count() -> int:
    """Usage records waiting in the quarantine (see ``metering.services``)."""
    return UsageQuarantine.objects.count()


def usage_period_billable_calls(*, organisation_id: int, since: datetime) -> int:
    """Billable (live, not refused) calls of a tenant since ``since``, as flushed so far."""
    total = UsageMinute.objects.filter(
        tenant_id=organisation_id, minute__gte=since, is_billable=True
    ).aggregate(calls=Sum("calls"))["calls"]
    return total or 0


def usage_calls_total(*, organisation_id: int, api_key_id: str | None = None) -> int:
    """Every flushed call of a tenant (optionally of one key), billable or not."""
    rows = UsageMinute.objects.filter(tenant_id=organisation_id)
    if api_key_id is not None:
        rows = rows.filter(api_key_id=api_key_id)
    return rows.aggregate(calls=Sum("calls"))["calls"] or 0


def usage_daily_totals(*, organisation_id: int, since: datetime, mode: str = "live") -> list[dict]:
    """Calls and errors per day, oldest first, for charts."""
    return list(
        UsageMinute.objects.filter(tenant_id=organisation_id, minute__gte=since, mode=mode)
        .annotate(day=TruncDay("minute"))
        .values("day")
        .annotate(errors=Sum("calls", filter=Q(status__gte=400)), calls=Sum("calls"))
        .order_by("day")
    )
