"""Reads of billing: plans, the billing period, and which plan lifts a limit."""

from datetime import UTC, datetime

from billing.models import Plan
from core.cache import TtlCache

# The plan a tenant without one is on. Provisioning always sets a plan; this covers rows made by
# hand (operators, old data) so that such a tenant is limited like a free one, never unlimited.
DEFAULT_PLAN_CODE = "free"


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


def plan_get(*, code: str) -> Plan | None:
    return Plan.objects.filter(code=code).first()


def plan_codes() -> list[str]:
    return list(Plan.objects.values_list("code", flat=True))


def plan_of(organisation) -> Plan:
    """The plan in force for a live tenant row (``DEFAULT_PLAN_CODE`` when it has none)."""
    return organisation.plan or Plan.objects.get(code=DEFAULT_PLAN_CODE)


_public_plans_cache = TtlCache(ttl=60)


def plans_public() -> list[dict]:
    """The public price list, in listing order (cached per process for a minute)."""
    return _public_plans_cache.get_or_load(
        "plans",
        lambda: list(
            Plan.objects.filter(is_public=True).values(
                "code", "name", "rate_per_second", "burst", "included_calls", "is_hard_cap"
            )
        ),
    )


def plans_public_cache_clear() -> None:
    _public_plans_cache.clear()


def plan_that_lifts(
    *, limit: str, rate_per_second: int, burst: int, included_calls: int | None
) -> dict | None:
    """The cheapest public plan (in listing order) that lifts ``limit`` — ``"quota"`` (the monthly
    included calls of a hard-capped plan) or ``"rate"`` — or None when none does."""
    for plan in plans_public():
        if limit == "quota":
            if not plan["is_hard_cap"] or (plan["included_calls"] or 0) > (included_calls or 0):
                return plan
        elif plan["rate_per_second"] > rate_per_second or plan["burst"] > burst:
            return plan
    return None


def plan_limit_text(plan: dict, *, limit: str) -> str:
    """How a plan states the limit: "100,000 calls a month", "25/s, burst 50"."""
    if limit == "quota":
        included = plan["included_calls"]
        return "unlimited calls" if included is None else f"{included:,} calls a month"
    return f"{plan['rate_per_second']}/s, burst {plan['burst']}"
