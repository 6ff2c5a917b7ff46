"""The real-time event stream's publishing side: one Channels group per tenant schema (live and
sandbox apart), which the WebSocket consumers of ``api.ws`` join.

``stream_event_publish`` is the consumer ``api`` registers with the event dispatch registry
(``ApiConfig.ready()``): it runs in the worker's ``events.dispatch`` task — the one task each event
costs its request anyway — so publishing adds no round trip to Redis to the request that emitted
the event. It publishes every committed event except those addressed to one receiver
(``Event.recipient``: a webhook endpoint's test ``ping``), once per dispatch.

The stream is best effort and real time — webhooks are the guaranteed channel — so an event whose
dispatch was lost is not published later, and a client that reconnects catches up through
/v1/events.
"""

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from events.models import Event

EVENT_MESSAGE_TYPE = "event.message"


def stream_group(schema_name: str) -> str:
    return f"events.{schema_name}"


def stream_publish(*, schema_name: str, payload: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    async_to_sync(layer.group_send)(
        stream_group(schema_name), {"type": EVENT_MESSAGE_TYPE, "event": payload}
    )


def stream_event_publish(*, event_id: str, schema_name: str) -> None:
    """Publish one outbox event (current schema) to its schema's group. A failure is the event
    dispatcher's to log; it never touches the other consumers."""
    event = Event.objects.filter(pk=event_id, recipient="").first()
    if event is not None:
        stream_publish(schema_name=schema_name, payload=event.as_payload())
