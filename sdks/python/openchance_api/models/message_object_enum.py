from typing import Literal

MessageObjectEnum = Literal["message"]

MESSAGE_OBJECT_ENUM_VALUES: set[MessageObjectEnum] = {
    "message",
}


def check_message_object_enum(value: str) -> MessageObjectEnum:
    if value in MESSAGE_OBJECT_ENUM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {MESSAGE_OBJECT_ENUM_VALUES!r}"
    )
