# The ledger moved here from billing/ (billing 0003 created its tables): state only, same tables.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("billing", "0003_usageflushcursor_usageminute"),
        ("tenants", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="UsageFlushCursor",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("stream", models.CharField(max_length=100, unique=True)),
                        ("last_id", models.CharField(default="0-0", max_length=40)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                    ],
                    options={"db_table": "billing_usageflushcursor"},
                ),
                migrations.CreateModel(
                    name="UsageMinute",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("api_key_id", models.CharField(max_length=40)),
                        ("mode", models.CharField(max_length=4)),
                        ("minute", models.DateTimeField()),
                        ("method", models.CharField(max_length=10)),
                        ("route", models.CharField(max_length=200)),
                        ("status", models.PositiveSmallIntegerField()),
                        ("is_billable", models.BooleanField()),
                        ("calls", models.PositiveBigIntegerField(default=0)),
                        ("duration_ms_total", models.FloatField(default=0)),
                        ("duration_ms_max", models.FloatField(default=0)),
                        ("request_bytes", models.PositiveBigIntegerField(default=0)),
                        ("response_bytes", models.PositiveBigIntegerField(default=0)),
                        ("tenant", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="usage_minutes", to="tenants.tenant")),
                    ],
                    options={
                        "db_table": "billing_usageminute",
                        "indexes": [models.Index(fields=["tenant", "minute"], name="billing_usa_tenant__4a3d92_idx")],
                        "constraints": [models.UniqueConstraint(fields=("tenant", "api_key_id", "mode", "minute", "method", "route", "status", "is_billable"), name="usage_minute_unique")],
                    },
                ),
            ],
        ),
    ]
