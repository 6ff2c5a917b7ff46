from typing import Literal

ApplicationMessagesListFieldsItem = Literal[
    "application", "author", "body", "created_at", "id", "livemode", "object"
]

APPLICATION_MESSAGES_LIST_FIELDS_ITEM_VALUES: set[ApplicationMessagesListFieldsItem] = {
    "application",
    "author",
    "body",
    "created_at",
    "id",
    "livemode",
    "object",
}


def check_application_messages_list_fields_item(
    value: str,
) -> ApplicationMessagesListFieldsItem:
    if value in APPLICATION_MESSAGES_LIST_FIELDS_ITEM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {APPLICATION_MESSAGES_LIST_FIELDS_ITEM_VALUES!r}"
    )
