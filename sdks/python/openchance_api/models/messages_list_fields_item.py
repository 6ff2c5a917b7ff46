from typing import Literal

MessagesListFieldsItem = Literal[
    "application", "author", "body", "created_at", "id", "livemode", "object"
]

MESSAGES_LIST_FIELDS_ITEM_VALUES: set[MessagesListFieldsItem] = {
    "application",
    "author",
    "body",
    "created_at",
    "id",
    "livemode",
    "object",
}


def check_messages_list_fields_item(value: str) -> MessagesListFieldsItem:
    if value in MESSAGES_LIST_FIELDS_ITEM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {MESSAGES_LIST_FIELDS_ITEM_VALUES!r}"
    )
