"""Seed the four public plans. Operators edit them in the admin afterwards; this never overwrites."""

from decimal import Decimal

from django.db import migrations

PLANS = [
    # code, name, monthly price (cents), included calls, hard cap, overage per call (cents), rate, burst
    # Overage is $0.001 a call = 0.1 cent (Free bills it only with pay-as-you-go; see 0006 for
    # rows seeded before the price was fixed).
    ("free", "Free", 0, 1_000, True, Decimal("0.1"), 5, 10),
    ("pro", "Pro", 4_900, 100_000, False, Decimal("0.1"), 25, 50),
    ("business", "Business", 49_900, 1_000_000, False, Decimal("0.1"), 100, 200),
    ("enterprise", "Enterprise", 0, None, False, Decimal("0"), 500, 1_000),
]


def seed_plans(apps, schema_editor):
    Plan = apps.get_model("billing", "Plan")
    for order, (code, name, price, included, hard_cap, overage, rate, burst) in enumerate(PLANS):
        Plan.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "monthly_price": price,
                "included_calls": included,
                "is_hard_cap": hard_cap,
                "overage_unit_price": overage,
                "rate_per_second": rate,
                "burst": burst,
                "sort_order": order,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial")]

    operations = [migrations.RunPython(seed_plans, migrations.RunPython.noop)]
