"""Reads of the event outbox (current tenant schema)."""

import re

from django.db.models import Q, QuerySet

from core.errors import NotFoundError
from events.models import Event


def event_list() -> QuerySet[Event]:
    return Event.objects.all()


def event_list_filtered(
    *, types: list[str] | None = None, created_at: dict | None = None
) -> QuerySet[Event]:
    """Events of the given types (``challenge.*`` matches a family) created in a range such as
    ``{"gte": datetime, "lt": datetime}``."""
    queryset = Event.objects.all()
    if types:
        condition = Q()
        for event_type in types:
            if event_type.endswith(".*"):
                condition |= Q(type__startswith=event_type[:-1])
            else:
                condition |= Q(type=event_type)
        queryset = queryset.filter(condition)
    for operator, value in (created_at or {}).items():
        queryset = queryset.filter(**{f"created_at__{operator}": value})
    return queryset


def event_get(*, event_id: str) -> Event:
    """The event or NotFoundError (missing and someone else's look the same)."""
    plausible = re.fullmatch(r"evt_[0-9A-Za-z]{1,36}", event_id) is not None
    event = Event.objects.filter(pk=event_id).first() if plausible else None
    if event is None:
        raise NotFoundError(f"No such event: {event_id[:60]!r}.", resource="event")
    return event
