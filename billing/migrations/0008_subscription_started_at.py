import django.utils.timezone
from django.db import migrations, models
from django.db.models import F


def existing_started_with_their_period(apps, schema_editor):
    # Subscriptions made by 0007 are for tenants that were on their plan all month already.
    Subscription = apps.get_model("billing", "Subscription")
    Subscription.objects.update(started_at=F("current_period_start"))


class Migration(migrations.Migration):
    dependencies = [("billing", "0007_subscriptions_for_existing_tenants")]

    operations = [
        migrations.AddField(
            model_name="subscription",
            name="started_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now,
                help_text="When billing began: the first period's base fee is prorated from here.",
            ),
        ),
        migrations.RunPython(existing_started_with_their_period, migrations.RunPython.noop),
    ]
