"""Reads of metering: the usage ledger (per-minute aggregates in the public schema)."""

from datetime import datetime

from django.db.models import Q, Sum
from django.db.models.functions import TruncDay

from metering.models import UsageMinute


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
