"""Writing to the event outbox. Call inside the transaction that makes the change."""

from django.db import connection

from events.models import Event


def event_emit(*, type: str, data: dict, request_id: str = "") -> Event:  # noqa: A002
    """Record that something happened, in the current tenant schema and transaction.

    Nothing leaves the process here: delivery (webhooks, WebSocket) reads the outbox after the
    transaction commits, so a rolled-back change never produces an event.
    """
    tenant = getattr(connection, "tenant", None)
    livemode = not getattr(tenant, "is_sandbox", False)
    return Event.objects.create(type=type, data=data, livemode=livemode, request_id=request_id)
