"""Writing to the event outbox. Call inside the transaction that makes the change."""

from django.db import connection

from core.context import request_context
from events.dispatch import event_dispatch_schedule
from events.models import Event
from events.types import event_type_is_valid


def event_emit(
    *,
    type: str,  # noqa: A002
    data: dict,
    request_id: str = "",
    recipient: str = "",
) -> Event:
    """Record that something happened, in the current tenant schema and transaction.

    Nothing leaves the process here: once the transaction commits, the registered consumers
    (webhooks, the WebSocket stream; see ``events.dispatch``) hear of the event, so a rolled-back
    change never produces one. ``recipient`` addresses the event to one receiver only (a webhook
    endpoint id, for its test ``ping``); it is broadcast nowhere else. ``request_id`` defaults to
    the request context's (``core.context``), so services need not pass it by hand.
    """
    if not event_type_is_valid(type):
        raise ValueError(f"{type!r} is not an event type (see events.types)")
    tenant = getattr(connection, "tenant", None)
    livemode = not getattr(tenant, "is_sandbox", False)
    event = Event.objects.create(
        type=type,
        data=data,
        livemode=livemode,
        request_id=request_id or request_context().request_id,
        recipient=recipient,
    )
    event_dispatch_schedule(event_id=event.id, schema_name=connection.schema_name)
    return event
