from typing import Literal

EventObjectEnum = Literal["event"]

EVENT_OBJECT_ENUM_VALUES: set[EventObjectEnum] = {
    "event",
}


def check_event_object_enum(value: str) -> EventObjectEnum:
    if value in EVENT_OBJECT_ENUM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {EVENT_OBJECT_ENUM_VALUES!r}"
    )
