"""The real-time event stream: one Channels group per tenant schema (live and sandbox apart).

The fan-out task publishes each outbox event once, after the deliveries are committed; WebSocket
consumers (``api.ws``) join their schema's group. The stream is best effort and real time —
webhooks are the guaranteed channel — so a client that reconnects catches up through /v1/events.
"""

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

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
