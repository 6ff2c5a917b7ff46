"""Every live tenant made before subscriptions existed gets one: active, manual provider, the
current calendar month (UTC) as its period, billing the plan it is on (Free when it has none)."""

from datetime import UTC, datetime

from django.db import migrations


def _month_bounds(now):
    start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    if start.month == 12:
        return start, start.replace(year=start.year + 1, month=1)
    return start, start.replace(month=start.month + 1)


def create_subscriptions(apps, schema_editor):
    Tenant = apps.get_model("tenants", "Tenant")
    Plan = apps.get_model("billing", "Plan")
    Subscription = apps.get_model("billing", "Subscription")
    from core.ids import new_id

    start, end = _month_bounds(datetime.now(UTC))
    free = Plan.objects.filter(code="free").first()
    tenants = Tenant.objects.filter(mode="live", subscription__isnull=True)
    for tenant in tenants.iterator():
        if tenant.plan_id is None and free is not None:
            tenant.plan_id = free.pk
            tenant.save(update_fields=["plan"])
        Subscription.objects.create(
            public_id=new_id("sub"),
            organisation_id=tenant.pk,
            status="active",
            provider="manual",
            current_period_start=start,
            current_period_end=end,
            period_plan_id=tenant.plan_id,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0006_overage_price_fix"),
        ("tenants", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_subscriptions, migrations.RunPython.noop)]
