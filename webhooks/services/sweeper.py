"""The safety net of webhooks, run by beat every few seconds (``webhooks.sweep``) in every tenant
schema: re-enqueue due deliveries that no live task is about to attempt — a retry whose time has
come, a message lost by the broker, a worker killed mid-attempt — and fan out events whose
dispatch never reached the webhooks consumer."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from events.models import Event
from webhooks.models import EventDispatch, FanOutWatermark, WebhookDelivery
from webhooks.queue import deliveries_enqueue_on_commit
from webhooks.services.fan_out import webhook_event_fan_out

# Events younger than this are left to their own dispatch task before the sweeper steps in.
FAN_OUT_GRACE = timedelta(seconds=30)
FAN_OUT_HORIZON = timedelta(days=3)
SWEEP_BATCH = 1000


@dataclass(frozen=True)
class SweepResult:
    deliveries_enqueued: int
    events_fanned_out: int


def webhook_deliveries_sweep(*, now: datetime | None = None) -> SweepResult:
    """Re-enqueue due deliveries that no live task is about to attempt — a retry whose time has
    come, a message lost by the broker, a worker killed mid-attempt (its lease has run out) — and
    fan out events whose dispatch never ran. Current schema; run by beat every few seconds."""
    now = now or timezone.now()
    stale_before = now - timedelta(seconds=settings.WEBHOOK_REQUEUE_AFTER_SECONDS)
    due_ids = list(
        WebhookDelivery.objects.filter(next_attempt_at__lte=now)
        .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
        .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=stale_before))
        .order_by("next_attempt_at")
        .values_list("id", flat=True)[:SWEEP_BATCH]
    )
    with transaction.atomic():
        # An expired lease is cleared so the next claim succeeds whichever clock it reads.
        WebhookDelivery.objects.filter(id__in=due_ids).update(enqueued_at=now, locked_until=None)
        deliveries_enqueue_on_commit(due_ids)
    fanned_out = _lost_fan_outs_dispatch(now=now)
    return SweepResult(deliveries_enqueued=len(due_ids), events_fanned_out=fanned_out)


def _lost_fan_outs_dispatch(*, now: datetime) -> int:
    """Fan out the events whose fan-out never happened; returns how many. Only events since the
    watermark are examined (about one sweep interval's worth), so the cost does not grow with the
    outbox. An event gets ``FAN_OUT_GRACE`` to be committed and dispatched by its own task first;
    the watermark starts ``FAN_OUT_HORIZON`` back."""
    upper = now - FAN_OUT_GRACE
    watermark, _ = FanOutWatermark.objects.get_or_create(
        pk=1, defaults={"dispatched_before": now - FAN_OUT_HORIZON}
    )
    lost = list(
        Event.objects.filter(created_at__gte=watermark.dispatched_before, created_at__lt=upper)
        .filter(~Exists(EventDispatch.objects.filter(event_id=OuterRef("pk"))))
        .order_by("created_at")
        .values_list("id", "created_at")[:SWEEP_BATCH]
    )
    for event_id, _ in lost:
        webhook_event_fan_out(event_id=event_id, now=now)
    # Everything before `advance` is dispatched now (after a full batch: resume from its end).
    advance = lost[-1][1] if len(lost) == SWEEP_BATCH else upper
    if advance > watermark.dispatched_before:
        FanOutWatermark.objects.filter(pk=1).update(dispatched_before=advance)
    return len(lost)


def webhook_sweep_all_schemas(*, now: datetime | None = None) -> int:
    """Run the sweeper in every tenant schema (live and sandbox). Returns deliveries enqueued."""
    from django_tenants.utils import get_public_schema_name, tenant_context

    from tenants.models import Tenant

    total = 0
    for tenant in Tenant.objects.exclude(schema_name=get_public_schema_name()):
        with tenant_context(tenant):
            total += webhook_deliveries_sweep(now=now).deliveries_enqueued
    return total
