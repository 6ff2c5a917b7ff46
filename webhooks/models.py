"""Webhook endpoints, deliveries and attempts (tenant schema: live and sandbox each have theirs).

A *delivery* is one event owed to one endpoint; its state lives here, not in the broker, so a lost
Celery message or a killed worker delays a delivery but never loses it (``webhooks.services``
claims due deliveries with a lease, the beat sweeper re-enqueues the overdue ones). Every HTTP
request made for a delivery is an *attempt*. State changes go through ``webhooks.services`` only.
"""

from functools import partial

from django.db import models
from django.utils import timezone

from core.ids import new_id
from core.timestamps import timestamp_render


class WebhookEndpoint(models.Model):
    id = models.CharField(primary_key=True, max_length=40, default=partial(new_id, "we"))
    url = models.URLField(max_length=2048)
    description = models.CharField(max_length=500, blank=True)
    # Event-type patterns this endpoint receives (``events.types``: exact type, ``family.*``, or
    # ["*"] for every type).
    event_types = models.JSONField(default=list)
    is_enabled = models.BooleanField(default=True)
    disabled_reason = models.CharField(max_length=200, blank=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    # Standard Webhooks secrets (``whsec_`` + base64 of 32 random bytes). After a rotation the
    # previous secret keeps signing (next to the new one) until ``previous_secret_expires_at``.
    secret = models.CharField(max_length=100)
    previous_secret = models.CharField(max_length=100, blank=True)
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True)
    # Health: the start of the current run of failures (None while the endpoint is healthy).
    failing_since = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_failure_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.id} {self.url}"

    def as_public(self, *, livemode: bool) -> dict:
        """The endpoint as the API shows it (never with its secret): /v1 and event payloads."""
        return {
            "id": self.id,
            "object": "webhook_endpoint",
            "url": self.url,
            "description": self.description,
            "events": list(self.event_types),
            "enabled": self.is_enabled,
            "disabled_reason": self.disabled_reason or None,
            "disabled_at": timestamp_render(self.disabled_at),
            "livemode": livemode,
            "health": {
                "status": _health(self),
                "failing_since": timestamp_render(self.failing_since),
                "last_success_at": timestamp_render(self.last_success_at),
                "last_failure_at": timestamp_render(self.last_failure_at),
            },
            "created_at": timestamp_render(self.created_at),
            "updated_at": timestamp_render(self.updated_at),
        }


def _health(endpoint: "WebhookEndpoint") -> str:
    if not endpoint.is_enabled:
        return "disabled"
    return "failing" if endpoint.failing_since is not None else "healthy"


class WebhookDelivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"  # not attempted yet
        FAILED = "failed", "Failed"  # the last attempt failed; another is scheduled
        SUCCEEDED = "succeeded", "Succeeded"
        EXHAUSTED = "exhausted", "Exhausted"  # no more automatic attempts (schedule or endpoint)

    id = models.CharField(primary_key=True, max_length=40, default=partial(new_id, "wd"))
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="+")
    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempt_count = models.PositiveIntegerField(default=0)
    # When the next attempt is due; None once the delivery is final (succeeded or exhausted).
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # A worker holds the delivery until then while attempting it (a dead worker's lease runs out).
    locked_until = models.DateTimeField(null=True, blank=True)
    # When a task was last put on the broker for it: the sweeper re-enqueues only stale ones.
    enqueued_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    succeeded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "event"], name="webhook_delivery_once"),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="webhook_delivery_due",
                condition=models.Q(next_attempt_at__isnull=False),
            ),
            models.Index(fields=["endpoint", "-id"], name="webhook_delivery_endpoint"),
            models.Index(fields=["event", "-id"], name="webhook_delivery_event"),
        ]

    def __str__(self) -> str:
        return f"{self.id} {self.status}"


class WebhookAttempt(models.Model):
    id = models.CharField(primary_key=True, max_length=40, default=partial(new_id, "wa"))
    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="+")
    number = models.PositiveIntegerField()
    attempted_at = models.DateTimeField()
    url = models.URLField(max_length=2048)
    is_success = models.BooleanField()
    status_code = models.PositiveIntegerField(null=True, blank=True)
    latency_ms = models.PositiveIntegerField()
    response_body = models.TextField(blank=True)  # the first 4 KiB, decoded leniently
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.id} {self.status_code or self.error}"


class EventDispatch(models.Model):
    """Marks an outbox event as fanned out (its deliveries created): the sweeper fans out any
    recent event without one, so a lost dispatch task loses no delivery either."""

    event = models.OneToOneField(
        "events.Event", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    dispatched_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.event_id} dispatched"


class FanOutWatermark(models.Model):
    """One row per schema: every event created before ``dispatched_before`` has been fanned out,
    so the sweeper only looks for lost fan-outs after it."""

    dispatched_before = models.DateTimeField()

    def __str__(self) -> str:
        return f"fanned out before {self.dispatched_before}"
