"""Fan-out of outbox events into webhook deliveries, and the test ``ping``.

``webhook_event_consume`` is what webhooks register with the event dispatch registry
(``WebhooksConfig.ready()``): the worker's ``events.dispatch`` task calls it once per committed
event, and it fans the event out and makes the first attempts to healthy endpoints as one batch.
The sweeper (``webhooks.services.sweeper``) fans out any event whose dispatch was lost.

Who receives an event: every enabled endpoint whose subscription has a pattern matching the
event's type (the one grammar of ``events.types``: exact type, ``family.*``, ``*``) — except for an
event addressed to one endpoint (``Event.recipient``, the test ``ping``), which goes to that
endpoint alone, whatever it subscribes to, and to no other.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.errors import ConflictError
from events.models import Event
from events.services import event_emit
from events.types import event_type_patterns_matching
from webhooks.models import EventDispatch, WebhookDelivery, WebhookEndpoint
from webhooks.queue import deliveries_enqueue_on_commit
from webhooks.sender import Resolver
from webhooks.services.attempts import DeliveryClaim, webhook_deliveries_attempt_batch

PING_EVENT_TYPE = "ping"


def webhook_event_consume(*, event_id: str, schema_name: str) -> None:
    """The webhooks consumer of the event dispatch registry (runs in the worker, in the event's
    schema, outside any transaction): fan out and make the first attempts at once."""
    webhook_event_fan_out(event_id=event_id, attempt_inline=True)


def _endpoints_receiving(event: Event) -> list[WebhookEndpoint]:
    endpoints = WebhookEndpoint.objects.filter(is_enabled=True)
    if event.recipient:
        return list(endpoints.filter(pk=event.recipient))
    # ``?|`` on the JSON array: does the subscription hold any pattern that matches the type?
    return list(
        endpoints.filter(event_types__has_any_keys=event_type_patterns_matching(event.type))
    )


def webhook_event_fan_out(
    *,
    event_id: str,
    now: datetime | None = None,
    attempt_inline: bool = False,
    resolver: Resolver | None = None,
) -> list[str]:
    """Create one delivery per enabled endpoint receiving the event (current schema) and enqueue
    them. Idempotent: an event is fanned out once (``EventDispatch``), so a redelivered task or
    the sweeper create no duplicates. Returns the ids of the deliveries created.

    With ``attempt_inline`` (the dispatch task) the first attempts to healthy endpoints are made
    right here as one batch (``webhook_deliveries_attempt_batch``), once the deliveries are
    committed, instead of by a task each; an endpoint that is failing gets a task per delivery, so
    it never takes a place in the batch. Must then run outside a transaction, like every attempt.
    """
    now = now or timezone.now()
    event = Event.objects.filter(pk=event_id).first()
    if event is None:
        return []
    with transaction.atomic():
        _, created = EventDispatch.objects.get_or_create(event=event)
        if not created:
            return []
        endpoints = _endpoints_receiving(event)
        # The batch's deliveries are created claimed (leased, attempt 1 under way), so the lease
        # is committed with them, before any request goes out, without a statement of its own.
        lease = {
            "locked_until": now + timedelta(seconds=settings.WEBHOOK_LEASE_SECONDS),
            "attempt_count": 1,
            "last_attempt_at": now,
        }
        deliveries = WebhookDelivery.objects.bulk_create(
            [
                WebhookDelivery(
                    endpoint=endpoint,
                    event=event,
                    next_attempt_at=now,
                    enqueued_at=now,
                    created_at=now,
                    **(lease if attempt_inline and endpoint.failing_since is None else {}),
                )
                for endpoint in endpoints
            ]  # fmt: skip
        )
        batch = [
            DeliveryClaim(delivery=delivery, endpoint=delivery.endpoint, event=event)
            for delivery in deliveries
            if delivery.locked_until is not None
        ]
        deliveries_enqueue_on_commit(
            [delivery.id for delivery in deliveries if delivery.locked_until is None]
        )
    if batch:
        webhook_deliveries_attempt_batch(batch, now=now, resolver=resolver)
    return [delivery.id for delivery in deliveries]


def webhook_endpoint_test(*, endpoint: WebhookEndpoint) -> WebhookDelivery:
    """Send a ``ping`` event to this endpoint only.

    The ping is an ordinary outbox event (``event_emit``) addressed to the endpoint
    (``recipient``): no other endpoint receives it, whatever they subscribe to, and the WebSocket
    stream does not broadcast it. It is fanned out here, in the caller's transaction, so that the
    answer can show its delivery; the dispatch that follows the commit finds it fanned out.
    """
    if not endpoint.is_enabled:
        raise ConflictError("The endpoint is disabled; enable it first.", code="endpoint_disabled")
    with transaction.atomic():
        event = event_emit(
            type=PING_EVENT_TYPE,
            data={"object": "webhook_endpoint", "id": endpoint.id, "url": endpoint.url},
            recipient=endpoint.id,
        )
        delivery_ids = webhook_event_fan_out(event_id=event.id)
        if not delivery_ids:  # disabled (or deleted) since it was read: nothing is sent
            raise ConflictError(
                "The endpoint is disabled; enable it first.", code="endpoint_disabled"
            )
    return WebhookDelivery.objects.get(pk=delivery_ids[0])
