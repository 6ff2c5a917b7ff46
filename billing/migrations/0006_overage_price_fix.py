"""The product's overage price is $0.001 a call (0.1 cent) on Free (pay-as-you-go), Pro and
Business. Installs seeded before the fix had 0.05 (Pro), 0.03 (Business) and 0 (Free) cents: rows
still at those seeded values move to 0.1; a price an operator set by hand is left alone."""

from decimal import Decimal

from django.db import migrations

OLD_SEEDED = {"free": Decimal("0"), "pro": Decimal("0.05"), "business": Decimal("0.03")}
PRICE = Decimal("0.1")


def fix_prices(apps, schema_editor):
    Plan = apps.get_model("billing", "Plan")
    for code, old in OLD_SEEDED.items():
        Plan.objects.filter(code=code, overage_unit_price=old).update(overage_unit_price=PRICE)


def restore_prices(apps, schema_editor):
    Plan = apps.get_model("billing", "Plan")
    for code, old in OLD_SEEDED.items():
        Plan.objects.filter(code=code, overage_unit_price=PRICE).update(overage_unit_price=old)


class Migration(migrations.Migration):
    dependencies = [("billing", "0005_subscriptions_invoices")]

    operations = [migrations.RunPython(fix_prices, restore_prices)]
