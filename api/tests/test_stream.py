"""The stream's event consumer (``api.stream``) through the real channel layer (Redis): every
committed event reaches its schema's group with the public payload; an event addressed to one
receiver (a webhook endpoint's ping) is broadcast nowhere."""

import asyncio

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django_tenants.utils import tenant_context

from api.stream import EVENT_MESSAGE_TYPE, stream_event_publish, stream_group
from events.models import Event


@pytest.fixture
def group_listener(tenant):
    """A channel in the tenant's stream group; ``listen()`` returns what arrives within 1 s."""
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    group = stream_group(tenant.schema_name)
    async_to_sync(layer.group_add)(group, channel)

    async def receive_all():
        messages = []
        while True:
            try:
                messages.append(await asyncio.wait_for(layer.receive(channel), timeout=1.0))
            except TimeoutError:
                return messages

    yield async_to_sync(receive_all)
    async_to_sync(layer.group_discard)(group, channel)


def test_committed_events_reach_their_group_and_addressed_ones_do_not(tenant, group_listener):
    # given
    with tenant_context(tenant):
        broadcast = Event.objects.create(type="challenge.created", data={"id": "c"}, livemode=True)
        ping = Event.objects.create(type="ping", data={}, livemode=True, recipient="we_1")
        # when: the dispatch task calls the consumer for each
        for event in (broadcast, ping):
            stream_event_publish(event_id=event.id, schema_name=tenant.schema_name)
    # then
    assert group_listener() == [{"type": EVENT_MESSAGE_TYPE, "event": broadcast.as_payload()}]
