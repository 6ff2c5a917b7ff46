"""Reads of the request log (current tenant schema).

The current schema *is* the tenant and mode being read (live or sandbox), so nothing here takes a
tenant: a request id of another tenant or of the other mode is simply not found.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Aggregate, Count, FloatField, Q, QuerySet

from core.errors import NotFoundError
from requestlog.models import RequestLog

# Request ids are ours (``req_`` + 32 hex, core.middleware); anything longer than the column or
# holding characters PostgreSQL cannot take is not found without a query.
_REQUEST_ID_MAX_LENGTH = 128


def request_log_list(*, errors_only: bool = False) -> QuerySet[RequestLog]:
    logs = RequestLog.objects.all()
    return logs.filter(status__gte=400) if errors_only else logs


# Status filters the portal offers: a class ("2xx" … "5xx"), "errors" (4xx and 5xx) or one code.
STATUS_CLASSES = {"2xx": 2, "3xx": 3, "4xx": 4, "5xx": 5}


def request_log_search(
    *,
    status: int | None = None,
    status_class: str | None = None,
    route: str | None = None,
    api_key_id: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    request_id: str | None = None,
    errors_only: bool = False,
) -> QuerySet[RequestLog]:
    """Request logs newest first, filtered; every filter is optional. ``request_id`` matches our
    request id or the caller's own ``X-Request-Id`` (``client_request_id``). The excerpts are
    deferred: lists never load them (``request_log_get`` does)."""
    logs = RequestLog.objects.defer("request_excerpt", "response_excerpt")
    if errors_only:
        logs = logs.filter(status__gte=400)
    if status is not None:
        logs = logs.filter(status=status)
    if status_class is not None:
        low = STATUS_CLASSES[status_class] * 100
        logs = logs.filter(status__gte=low, status__lt=low + 100)
    if route:
        logs = logs.filter(route=route)
    if api_key_id:
        logs = logs.filter(api_key_id=api_key_id)
    if since is not None:
        logs = logs.filter(created_at__gte=since)
    if until is not None:
        logs = logs.filter(created_at__lt=until)
    if request_id:
        logs = logs.filter(Q(request_id=request_id) | Q(client_request_id=request_id))
    return logs.order_by("-created_at", "-id")


def _request_id_is_plausible(request_id) -> bool:
    return (
        isinstance(request_id, str)
        and 0 < len(request_id) <= _REQUEST_ID_MAX_LENGTH
        and request_id.isprintable()
        and "\x00" not in request_id
        and all(not 0xD800 <= ord(char) <= 0xDFFF for char in request_id)
    )


def request_log_get(*, request_id: str) -> RequestLog:
    """One call's log (with its redacted excerpts) by our request id, or NotFoundError."""
    log = None
    if _request_id_is_plausible(request_id):
        log = RequestLog.objects.filter(request_id=request_id).first()
    if log is None:
        raise NotFoundError(f"No request {str(request_id)[:60]!r} in this log.", resource="request")
    return log


def request_log_recent_errors(*, limit: int = 10) -> list[RequestLog]:
    """The latest failed calls (status >= 400), newest first, without excerpts. One query."""
    return list(request_log_search(errors_only=True)[:limit])


class _PercentileCont(Aggregate):
    function = "percentile_cont"
    template = "%(function)s(%(percentile)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, *, percentile: float, **extra):
        if not 0 <= percentile <= 1:
            raise ValueError("percentile must be within [0, 1]")
        super().__init__(expression, percentile=float(percentile), **extra)


@dataclass(frozen=True)
class LatencyPercentiles:
    calls: int
    p50_ms: float | None
    p95_ms: float | None
    p99_ms: float | None


def request_log_latency_percentiles(
    *, since: datetime, until: datetime, route: str | None = None
) -> LatencyPercentiles:
    """Latency percentiles of the calls logged in [since, until) — the ledger keeps only sums and
    maxima per minute, the request log every call's duration. One query (PostgreSQL's
    ``percentile_cont``); ``None`` when no call was logged."""
    logs = RequestLog.objects.filter(created_at__gte=since, created_at__lt=until)
    if route:
        logs = logs.filter(route=route)
    row = logs.aggregate(
        calls=Count("id"),
        p50=_PercentileCont("duration_ms", percentile=0.5),
        p95=_PercentileCont("duration_ms", percentile=0.95),
        p99=_PercentileCont("duration_ms", percentile=0.99),
    )
    return LatencyPercentiles(
        calls=row["calls"], p50_ms=row["p50"], p95_ms=row["p95"], p99_ms=row["p99"]
    )


def request_log_latency_by_route(
    *, since: datetime, until: datetime, limit: int = 50
) -> dict[tuple[str, str], LatencyPercentiles]:
    """p50/p95/p99 per (method, route) of the calls logged in [since, until). One query."""
    rows = (
        RequestLog.objects.filter(created_at__gte=since, created_at__lt=until)
        .values("method", "route")
        .annotate(
            calls=Count("id"),
            p50=_PercentileCont("duration_ms", percentile=0.5),
            p95=_PercentileCont("duration_ms", percentile=0.95),
            p99=_PercentileCont("duration_ms", percentile=0.99),
        )
        .order_by("-calls", "route", "method")[:limit]
    )
    return {
        (row["method"], row["route"]): LatencyPercentiles(
            calls=row["calls"], p50_ms=row["p50"], p95_ms=row["p95"], p99_ms=row["p99"]
        )
        for row in rows
    }
