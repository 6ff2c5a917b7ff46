from typing import Literal

EventsListOrdering = Literal["-created_at", "created_at"]

EVENTS_LIST_ORDERING_VALUES: set[EventsListOrdering] = {
    "-created_at",
    "created_at",
}


def check_events_list_ordering(value: str) -> EventsListOrdering:
    if value in EVENTS_LIST_ORDERING_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {EVENTS_LIST_ORDERING_VALUES!r}"
    )
