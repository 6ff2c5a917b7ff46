# The usage ledger moved to the metering app (metering 0001 takes over the same tables).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0003_usageflushcursor_usageminute"),
        ("metering", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="UsageMinute"),
                migrations.DeleteModel(name="UsageFlushCursor"),
            ],
        ),
    ]
