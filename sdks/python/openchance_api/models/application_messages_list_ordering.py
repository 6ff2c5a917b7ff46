from typing import Literal

ApplicationMessagesListOrdering = Literal["-created_at", "created_at"]

APPLICATION_MESSAGES_LIST_ORDERING_VALUES: set[ApplicationMessagesListOrdering] = {
    "-created_at",
    "created_at",
}


def check_application_messages_list_ordering(
    value: str,
) -> ApplicationMessagesListOrdering:
    if value in APPLICATION_MESSAGES_LIST_ORDERING_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {APPLICATION_MESSAGES_LIST_ORDERING_VALUES!r}"
    )
