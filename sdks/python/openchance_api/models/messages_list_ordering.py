from typing import Literal

MessagesListOrdering = Literal["-created_at", "created_at"]

MESSAGES_LIST_ORDERING_VALUES: set[MessagesListOrdering] = {
    "-created_at",
    "created_at",
}


def check_messages_list_ordering(value: str) -> MessagesListOrdering:
    if value in MESSAGES_LIST_ORDERING_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {MESSAGES_LIST_ORDERING_VALUES!r}"
    )
