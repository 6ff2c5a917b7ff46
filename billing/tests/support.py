"""Test support for billing: a period to simulate, and ledger rows written the way the usage
flush writes them (``UsageMinute``, one row per minute and key/route/status)."""

from datetime import UTC, datetime, timedelta

from django_tenants.utils import tenant_context

from billing.models import Plan, Subscription
from events.models import Event
from metering.models import UsageMinute

NOV = datetime(2026, 11, 1, tzinfo=UTC)
DEC = datetime(2026, 12, 1, tzinfo=UTC)
JAN = datetime(2027, 1, 1, tzinfo=UTC)
AFTER_NOV = DEC + timedelta(hours=1)  # "now" for closing November


def subscription_in_period(organisation, start=NOV, end=DEC, *, plan: str | None = None, **fields):
    """Put the organisation's subscription in [start, end) as if it began there (test setup)."""
    if plan is not None:
        organisation.plan = Plan.objects.get(code=plan)
        organisation.save(update_fields=["plan"])
    subscription = Subscription.objects.get(organisation=organisation)
    subscription.current_period_start = start
    subscription.current_period_end = end
    subscription.started_at = fields.pop("started_at", start)
    subscription.period_plan = organisation.plan
    for name, value in fields.items():
        setattr(subscription, name, value)
    subscription.save()
    return subscription


def ledger_add(
    organisation,
    calls: int,
    *,
    minute: datetime = NOV + timedelta(days=3),
    mode: str = "live",
    status: int = 200,
    is_billable: bool | None = None,
    route: str = "/v1/me",
    api_key_id: str = "key_test",
) -> UsageMinute:
    if is_billable is None:
        is_billable = mode == "live" and status < 500 and status != 429
    return UsageMinute.objects.create(
        tenant=organisation,
        api_key_id=api_key_id,
        mode=mode,
        minute=minute,
        method="GET",
        route=route,
        status=status,
        is_billable=is_billable,
        calls=calls,
    )


def events_of(organisation, prefix: str = "billing.") -> list[Event]:
    with tenant_context(organisation):
        return list(Event.objects.filter(type__startswith=prefix).order_by("created_at", "id"))


def event_types(organisation, prefix: str = "billing.") -> list[str]:
    return [event.type for event in events_of(organisation, prefix)]
