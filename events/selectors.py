"""Reads of the event outbox (current tenant schema).

``event_get`` is the access-checked fetch: the event or one ``NotFoundError`` (code
``not_found``), whether it is missing, malformed or another tenant's (each schema holds only its
own rows)."""

from django.db.models import Q, QuerySet

from core.errors import NotFoundError
from core.ids import id_is_wellformed
from events.models import Event
from events.types import ALL_EVENT_TYPES, event_type_pattern_family, event_type_pattern_validate


def event_list() -> QuerySet[Event]:
    return Event.objects.all()


def event_type_condition(patterns: list[str]) -> Q:
    """The events matched by any of the valid ``patterns`` (the grammar of ``events.types``) as
    a condition: an exact type by equality, ``family.*`` by the prefix ``family.``, ``*``
    everything."""
    condition = Q()
    for pattern in patterns:
        if pattern == ALL_EVENT_TYPES:
            return Q()
        family = event_type_pattern_family(pattern)
        condition |= Q(type__startswith=family) if family else Q(type=pattern)
    return condition


def event_list_filtered(
    *,
    types: list[str] | None = None,
    created_at: dict | None = None,
    families: list[str] | None = None,
) -> QuerySet[Event]:
    """Events matching any of the ``types`` patterns (``challenge.created``, ``challenge.*``,
    ``*``; anything else is refused with ``InvalidEventTypePatternError``, as at endpoint
    registration) created in a range such as ``{"gte": datetime, "lt": datetime}``, of the
    type ``families`` given (first segments: ``["challenge", "ping"]``; None: every family)."""
    queryset = Event.objects.all()
    if families is not None:
        condition = Q(pk__in=[])
        for family in families:
            condition |= Q(type=family) | Q(type__startswith=f"{family}.")
        queryset = queryset.filter(condition)
    if types:
        patterns = [event_type_pattern_validate(pattern, field="type") for pattern in types]
        queryset = queryset.filter(event_type_condition(patterns))
    for operator, value in (created_at or {}).items():
        queryset = queryset.filter(**{f"created_at__{operator}": value})
    return queryset


def event_get(*, event_id: str) -> Event:
    """The event or NotFoundError (missing and someone else's look the same)."""
    plausible = id_is_wellformed(event_id, prefix="evt")
    event = Event.objects.filter(pk=event_id).first() if plausible else None
    if event is None:
        raise NotFoundError(f"No such event: {str(event_id)[:60]!r}.", resource="event")
    return event
