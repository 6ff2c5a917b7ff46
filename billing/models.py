"""Plans: what a tenant pays for, and the limits that come with it (public schema)."""

from django.db import models


class Plan(models.Model):
    """A price list entry. Operators edit plans in the admin; custom plans serve one tenant."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100)
    monthly_price = models.PositiveIntegerField(
        default=0, help_text="Minor units (cents) per month."
    )
    currency = models.CharField(max_length=3, default="usd")
    included_calls = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="Calls included per month; empty means unlimited."
    )
    is_hard_cap = models.BooleanField(
        default=False,
        help_text=(
            "Refuse calls past the included ones (429 quota_exceeded) instead of billing overage."
        ),
    )
    overage_unit_price = models.DecimalField(
        max_digits=12,
        decimal_places=6,
        default=0,
        help_text="Price per call past the included ones, in minor units.",
    )
    rate_per_second = models.PositiveIntegerField(help_text="Sustained requests per second.")
    burst = models.PositiveIntegerField(help_text="Requests allowed in a burst above the rate.")
    is_public = models.BooleanField(
        default=True, help_text="Listed on the pricing page; custom plans are not."
    )
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_unlimited(self) -> bool:
        return self.included_calls is None


class UsageMinute(models.Model):
    """Calls folded per minute (public schema): the ledger for billing, quotas and charts.

    Written only by ``billing.services.usage_flush``, which adds to ``calls`` and the totals with
    an upsert, exactly once per metered call. ``is_billable`` is false for sandbox calls and for
    calls the gateway refused (rate limit, quota).
    """

    tenant = models.ForeignKey(
        "tenants.Tenant", on_delete=models.CASCADE, related_name="usage_minutes"
    )
    # Not a foreign key: the ledger outlives deleted keys.
    api_key_id = models.CharField(max_length=40)
    mode = models.CharField(max_length=4)
    minute = models.DateTimeField()
    method = models.CharField(max_length=10)
    route = models.CharField(max_length=200)
    status = models.PositiveSmallIntegerField()
    is_billable = models.BooleanField()
    calls = models.PositiveBigIntegerField(default=0)
    duration_ms_total = models.FloatField(default=0)
    duration_ms_max = models.FloatField(default=0)
    request_bytes = models.PositiveBigIntegerField(default=0)
    response_bytes = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "tenant", "api_key_id", "mode", "minute", "method", "route", "status",
                    "is_billable",
                ],
                name="usage_minute_unique",
            )
        ]  # fmt: skip
        indexes = [models.Index(fields=["tenant", "minute"])]

    def __str__(self) -> str:
        return f"{self.tenant_id} {self.minute:%Y-%m-%d %H:%M} {self.method} {self.route}"


class UsageFlushCursor(models.Model):
    """How far the flush has folded a usage stream: the id of the last entry it committed.

    Moved in the same transaction as the ledger rows it accounts for, which is what makes the
    flush exactly-once: a flush killed before its commit leaves both untouched.
    """

    stream = models.CharField(max_length=100, unique=True)
    last_id = models.CharField(max_length=40, default="0-0")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.stream} @ {self.last_id}"
