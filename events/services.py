"""Writing to the event outbox. Call inside the transaction that makes the change."""

import logging
from functools import partial

from django.conf import settings
from django.db import connection, transaction

from events.models import Event

logger = logging.getLogger(__name__)


def event_emit(*, type: str, data: dict, request_id: str = "") -> Event:  # noqa: A002
    """Record that something happened, in the current tenant schema and transaction.

    Nothing leaves the process here: delivery (webhooks, WebSocket) reads the outbox after the
    transaction commits, so a rolled-back change never produces an event.
    """
    tenant = getattr(connection, "tenant", None)
    livemode = not getattr(tenant, "is_sandbox", False)
    event = Event.objects.create(type=type, data=data, livemode=livemode, request_id=request_id)
    schema = connection.schema_name
    transaction.on_commit(partial(_fan_out_enqueue, event_id=event.id, schema=schema))
    return event


def _fan_out_enqueue(*, event_id: str, schema: str) -> None:
    """One task per event, however many endpoints subscribe (fan-out never runs in the request).
    The webhooks sweeper fans out any event whose task was lost, so this may not fail the
    caller: the change is committed already."""
    from webhooks.tasks import webhook_event_fan_out_task

    try:
        webhook_event_fan_out_task.apply_async(
            (event_id,), queue=settings.WEBHOOK_QUEUE, headers={"_schema_name": schema}
        )
    except Exception:
        logger.exception("could not enqueue the fan-out of event %s (the sweeper will)", event_id)
