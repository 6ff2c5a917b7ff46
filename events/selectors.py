"""Reads of the event outbox (current tenant schema)."""

from django.db.models import QuerySet

from events.models import Event


def event_list() -> QuerySet[Event]:
    return Event.objects.all()
