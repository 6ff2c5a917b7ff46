"""The usage ledger (public schema): per-minute aggregates of metered calls and the flush cursor."""

from django.db import models


class UsageMinute(models.Model):
    """Calls folded per minute (public schema): the ledger for billing, quotas and charts.

    Written only by ``metering.services.usage_flush``, which adds to ``calls`` and the totals with
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
        # The tables keep the names they had in billing/, where the ledger started out.
        db_table = "billing_usageminute"
        indexes = [models.Index(fields=["tenant", "minute"], name="billing_usa_tenant__4a3d92_idx")]

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

    class Meta:
        db_table = "billing_usageflushcursor"

    def __str__(self) -> str:
        return f"{self.stream} @ {self.last_id}"


class UsageQuarantine(models.Model):
    """A usage stream entry the flush could not fold, kept instead of blocking the records behind
    it (see ``metering.services``): malformed, for a tenant that does not exist, or refused by
    PostgreSQL. ``manage.py usage_quarantine_replay`` folds entries again and deletes those that
    succeed; operators see the rest in the admin.
    """

    stream = models.CharField(max_length=100)
    stream_id = models.CharField(max_length=40)
    # The entry exactly as it was in Redis: JSON of its fields, bytes read with surrogateescape
    # and every non-ASCII character escaped, so NULs and invalid UTF-8 survive (jsonb would not
    # take them). metering.services.quarantine_fields_decode gives the bytes back.
    raw_fields = models.TextField()
    organisation_ref = models.BigIntegerField(
        null=True, blank=True, help_text="The entry's organisation id, if it had a readable one."
    )
    error = models.TextField(help_text="Why it could not be folded (the last attempt's error).")
    attempts = models.PositiveIntegerField(default=1)
    first_seen_at = models.DateTimeField()
    last_attempt_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["stream", "stream_id"], name="usage_quarantine_unique")
        ]
        verbose_name_plural = "usage quarantine"

    def __str__(self) -> str:
        return f"{self.stream} {self.stream_id}"
