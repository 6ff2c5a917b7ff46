from typing import Literal

MessagesRetrieveFieldsItem = Literal[
    "application", "author", "body", "created_at", "id", "livemode", "object"
]

MESSAGES_RETRIEVE_FIELDS_ITEM_VALUES: set[MessagesRetrieveFieldsItem] = {
    "application",
    "author",
    "body",
    "created_at",
    "id",
    "livemode",
    "object",
}


def check_messages_retrieve_fields_item(value: str) -> MessagesRetrieveFieldsItem:
    if value in MESSAGES_RETRIEVE_FIELDS_ITEM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {MESSAGES_RETRIEVE_FIELDS_ITEM_VALUES!r}"
    )
