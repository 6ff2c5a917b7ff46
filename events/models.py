"""The event outbox (tenant schema): one row per state change, written in the same transaction
as the change. Consumers registered with ``events.dispatch`` (webhooks, the WebSocket stream)
hear about each row once it is committed; /v1/events lists it."""

from functools import partial

from django.db import models
from django.utils import timezone

from core.ids import new_id
from core.timestamps import timestamp_render


class Event(models.Model):
    id = models.CharField(primary_key=True, max_length=40, default=partial(new_id, "evt"))
    type = models.CharField(max_length=100, db_index=True)
    # The changed object as the API renders it, at the time of the change.
    data = models.JSONField()
    livemode = models.BooleanField()
    request_id = models.CharField(max_length=128, blank=True)
    # An event addressed to one receiver (the id of a webhook endpoint, for its test ``ping``):
    # consumers deliver it to that receiver alone and broadcast it nowhere. Empty: an ordinary
    # event, for every subscriber. The database default lets processes of the previous release
    # keep inserting events while this column is added (a rolling deploy).
    recipient = models.CharField(max_length=40, blank=True, default="", db_default="")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-id"]
        # /v1/events?type=…: newest first within a type, one index range scan per page.
        indexes = [models.Index(fields=["type", "id"], name="event_type_id")]

    def __str__(self) -> str:
        return f"{self.id} {self.type}"

    def as_payload(self) -> dict:
        """The public shape of an event: the same in /v1/events, webhooks and the WebSocket."""
        return {
            "id": self.id,
            "object": "event",
            "type": self.type,
            "created_at": timestamp_render(self.created_at),
            "livemode": self.livemode,
            "request_id": self.request_id or None,
            "data": {"object": self.data},
        }
