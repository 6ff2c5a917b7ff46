"""Reads of metering: the usage ledger (per-minute aggregates in the public schema), the flush's
backlog in the Redis stream, and the quarantine."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import connection
from django.db.models import ExpressionWrapper, F, IntegerField, Max, Q, Sum
from django.db.models.functions import Coalesce, TruncDay, TruncHour

from apikeys.models import ApiKey
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


# --- The portal's usage analytics (portal.pages): every read below is one query on the ledger,
# filtered by organisation, mode and a [since, until) range of minutes, so a page of charts costs a
# fixed number of queries however many routes, keys or days it shows.

USAGE_BUCKETS = ("hour", "day")
_STATUS_CLASS = ExpressionWrapper(F("status") / 100, output_field=IntegerField())


def _usage_rows(*, organisation_id: int, mode: str, since: datetime, until: datetime):
    return UsageMinute.objects.filter(
        tenant_id=organisation_id, mode=mode, minute__gte=since, minute__lt=until
    )


def _usage_totals() -> dict:
    # Aliases named like the model's fields shadow them for the aggregates after them, so the
    # ones that read a field come before the alias that takes its name.
    return {
        "errors": Coalesce(Sum("calls", filter=Q(status__gte=400)), 0),
        "server_errors": Coalesce(Sum("calls", filter=Q(status__gte=500)), 0),
        "rate_limited": Coalesce(Sum("calls", filter=Q(status=429)), 0),
        "calls": Coalesce(Sum("calls"), 0),
        "duration_ms_total": Coalesce(Sum("duration_ms_total"), 0.0),
        "duration_ms_max": Coalesce(Max("duration_ms_max"), 0.0),
    }


def _with_rates(row: dict) -> dict:
    calls = row["calls"] or 0
    row["error_rate"] = (row["errors"] / calls) if calls else 0.0
    row["duration_ms_mean"] = (row["duration_ms_total"] / calls) if calls else 0.0
    return row


def usage_summary(*, organisation_id: int, mode: str, since: datetime, until: datetime) -> dict:
    """Totals of a range: calls, errors (4xx and 5xx), server errors, 429s, error rate, mean and
    max latency (the ledger keeps per-minute sums and maxima, not percentiles: those come from
    the request log, ``requestlog.selectors.request_log_latency_percentiles``). One query."""
    row = _usage_rows(
        organisation_id=organisation_id, mode=mode, since=since, until=until
    ).aggregate(**_usage_totals())
    return _with_rates(row)


def usage_series(
    *, organisation_id: int, mode: str, since: datetime, until: datetime, bucket: str = "hour"
) -> list[dict]:
    """Calls, errors and latency per hour or per day (UTC), oldest first, with empty buckets
    filled in with zeros so a chart's x axis is continuous. One query."""
    if bucket not in USAGE_BUCKETS:
        raise ValueError(f"bucket must be one of {USAGE_BUCKETS}")
    trunc = TruncHour if bucket == "hour" else TruncDay
    rows = {
        row["bucket"]: _with_rates(row)
        for row in _usage_rows(organisation_id=organisation_id, mode=mode, since=since, until=until)
        .annotate(bucket=trunc("minute", tzinfo=UTC))
        .values("bucket")
        .annotate(**_usage_totals())
        .order_by("bucket")
    }
    step = timedelta(hours=1) if bucket == "hour" else timedelta(days=1)
    start = since.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    if bucket == "day":
        start = start.replace(hour=0)
    series, moment = [], start
    while moment < until:
        series.append(
            rows.get(moment)
            or _with_rates(
                {
                    "bucket": moment,
                    "calls": 0,
                    "errors": 0,
                    "server_errors": 0,
                    "rate_limited": 0,
                    "duration_ms_total": 0.0,
                    "duration_ms_max": 0.0,
                }
            )  # fmt: skip
        )
        moment += step
    return series


USAGE_BREAKDOWNS = ("route", "api_key_id", "status_class")


def usage_breakdown(
    *,
    organisation_id: int,
    mode: str,
    since: datetime,
    until: datetime,
    by: str,
    limit: int = 50,
) -> list[dict]:
    """Totals per route (``route``, with its method), per key (``api_key_id``) or per status
    class (``status_class``: 2 for 2xx …), most calls first, at most ``limit`` rows. One query."""
    if by not in USAGE_BREAKDOWNS:
        raise ValueError(f"by must be one of {USAGE_BREAKDOWNS}")
    rows = _usage_rows(organisation_id=organisation_id, mode=mode, since=since, until=until)
    if by == "status_class":
        rows = rows.annotate(status_class=_STATUS_CLASS).values("status_class")
        ordering = ["status_class"]
    elif by == "route":
        rows = rows.values("method", "route")
        ordering = ["-calls", "route", "method"]
    else:
        rows = rows.values("api_key_id")
        ordering = ["-calls", "api_key_id"]
    return [
        _with_rates(row) for row in rows.annotate(**_usage_totals()).order_by(*ordering)[:limit]
    ]


def usage_rate_limited_calls(*, organisation_id: int, since: datetime) -> int:
    """Calls refused with 429 (rate limit or quota), live and sandbox, since ``since``."""
    total = UsageMinute.objects.filter(
        tenant_id=organisation_id, minute__gte=since, status=429
    ).aggregate(calls=Sum("calls"))["calls"]
    return total or 0


def usage_export_rows(*, organisation_id: int, mode: str, since: datetime, until: datetime):
    """Ledger rows of a range per hour, route, method, status and key, oldest first, as tuples
    (for CSV export), streamed from one query (a server-side cursor, in chunks)."""
    return (
        _usage_rows(organisation_id=organisation_id, mode=mode, since=since, until=until)
        .annotate(hour=TruncHour("minute", tzinfo=UTC))
        .values_list("hour", "method", "route", "status", "api_key_id", "is_billable")
        .annotate(
            calls=Sum("calls"),
            duration_ms_total=Sum("duration_ms_total"),
            duration_ms_max=Max("duration_ms_max"),
            request_bytes=Sum("request_bytes"),
            response_bytes=Sum("response_bytes"),
        )
        .order_by("hour", "route", "method", "status", "api_key_id", "is_billable")
        .iterator(chunk_size=2000)
    )


# --- The period usage report (GET /v1/usage): billable, not billable and sandbox calls of one
# organisation in [since, until), in total, per day, per route and per key. Three aggregate
# queries, each a range scan of the ledger's (tenant, minute) index: the cost follows the
# organisation's rows in the period, not the size of the ledger.

USAGE_REPORT_MAX_ROUTES = 200
USAGE_REPORT_MAX_KEYS = 200


# One scan of the organisation's rows of the range, three groupings at once (GROUPING SETS): per
# UTC day, per (method, route), per (key, mode). ``grouping`` tells which set a row belongs to.
_USAGE_REPORT_SQL = """
SELECT (date_trunc('day', minute AT TIME ZONE 'UTC') AT TIME ZONE 'UTC') AS day,
       method, route, api_key_id, mode,
       GROUPING(date_trunc('day', minute AT TIME ZONE 'UTC'), method, route, api_key_id, mode)
           AS grouping,
       COALESCE(SUM(calls), 0) AS total_calls,
       COALESCE(SUM(calls) FILTER (WHERE mode = 'live' AND is_billable), 0) AS billable_calls,
       COALESCE(SUM(calls) FILTER (WHERE mode = 'live' AND NOT is_billable), 0)
           AS non_billable_calls,
       COALESCE(SUM(calls) FILTER (WHERE mode = 'test'), 0) AS sandbox_calls
FROM billing_usageminute
WHERE tenant_id = %s AND minute >= %s AND minute < %s AND mode = ANY(%s)
GROUP BY GROUPING SETS (
    (date_trunc('day', minute AT TIME ZONE 'UTC')), (method, route), (api_key_id, mode)
)
"""
_USAGE_SUMS = ("total_calls", "billable_calls", "non_billable_calls", "sandbox_calls")
# GROUPING() bits, most significant first: day, method, route, api_key_id, mode (1 = not grouped).
_BY_DAY, _BY_ROUTE, _BY_KEY = 0b01111, 0b10011, 0b11100


def usage_period_report(
    *, organisation_id: int, since: datetime, until: datetime, modes: tuple[str, ...]
) -> dict:
    """``{"totals", "by_day", "by_route", "by_key", "routes_truncated", "keys_truncated"}`` (each
    row counting ``total_calls``, ``billable_calls``, ``non_billable_calls``, ``sandbox_calls``) for
    the organisation's calls in ``modes`` (``("live", "test")`` or one of them) between ``since``
    and ``until``. ``by_day`` has one row per UTC day of the range (zeros where nothing was
    called); ``by_route`` (method and route template) and ``by_key`` are sorted by calls, most
    first, at most ``USAGE_REPORT_MAX_ROUTES`` / ``USAGE_REPORT_MAX_KEYS`` rows (the totals count
    every call). Billable: live, not refused by a limit, not answered with a 5xx.

    Two queries: one scan of the range through the ledger's ``(tenant, minute)`` index (its cost
    follows the organisation's rows in the range, not the ledger's size), and the key names."""
    days, by_route, by_key = {}, [], []
    with connection.cursor() as cursor:
        cursor.execute(_USAGE_REPORT_SQL, [organisation_id, since, until, list(modes)])
        for day, method, route, key_id, mode, grouping, *sums in cursor.fetchall():
            counts = dict(zip(_USAGE_SUMS, (int(value) for value in sums), strict=True))
            if grouping == _BY_DAY:
                days[day.astimezone(UTC)] = counts
            elif grouping == _BY_ROUTE:
                by_route.append({"method": method, "route": route, **counts})
            elif grouping == _BY_KEY:
                by_key.append({"api_key_id": key_id, "mode": mode, **counts})
    zero = dict.fromkeys(_USAGE_SUMS, 0)
    by_day, day = [], since.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    while day < until:
        by_day.append({"date": day.date(), **days.get(day, zero)})
        day += timedelta(days=1)
    totals = {name: sum(row[name] for row in by_day) for name in _USAGE_SUMS}
    by_route.sort(key=lambda row: (-row["total_calls"], row["route"], row["method"]))
    by_key.sort(key=lambda row: (-row["total_calls"], row["api_key_id"], row["mode"]))
    shown_keys = by_key[:USAGE_REPORT_MAX_KEYS]
    # The ledger keeps key ids only (it outlives deleted keys): names of those that still exist.
    names = dict(
        ApiKey.objects.filter(pk__in=[row["api_key_id"] for row in shown_keys]).values_list(
            "pk", "name"
        )
    )
    for row in shown_keys:
        row["name"] = names.get(row["api_key_id"])
    return {
        "totals": totals,
        "by_day": by_day,
        "by_route": by_route[:USAGE_REPORT_MAX_ROUTES],
        "by_key": shown_keys,
        "routes_truncated": len(by_route) > USAGE_REPORT_MAX_ROUTES,
        "keys_truncated": len(by_key) > USAGE_REPORT_MAX_KEYS,
    }


def usage_mode_totals(*, organisation_id: int, since: datetime, until: datetime) -> dict[str, dict]:
    """Totals of a range per mode — ``{"live": {...}, "test": {...}}`` with the keys of
    ``usage_summary`` (zeros for a mode without calls): live against sandbox. One query."""
    rows = (
        UsageMinute.objects.filter(tenant_id=organisation_id, minute__gte=since, minute__lt=until)
        .values("mode")
        .annotate(**_usage_totals())
        .order_by("mode")
    )
    totals = {row.pop("mode"): _with_rates(row) for row in rows}
    for mode in ("live", "test"):
        totals.setdefault(
            mode,
            _with_rates(
                {
                    "calls": 0,
                    "errors": 0,
                    "server_errors": 0,
                    "rate_limited": 0,
                    "duration_ms_total": 0.0,
                    "duration_ms_max": 0.0,
                }
            ),  # fmt: skip
        )
    return totals


def usage_calls_by_status(
    *, organisation_id: int, since: datetime, statuses: list[int]
) -> dict[int, int]:
    """Calls answered with each of ``statuses`` since ``since``, live and sandbox (e.g. 402 for a
    reached spend cap or a restricted account, 429 for limits): ``{status: calls}``, zeros
    included. One query."""
    rows = (
        UsageMinute.objects.filter(
            tenant_id=organisation_id, minute__gte=since, status__in=statuses
        )
        .values("status")
        .annotate(total=Sum("calls"))
        .order_by("status")
    )
    found = {row["status"]: row["total"] for row in rows}
    return {status: found.get(status, 0) for status in statuses}
