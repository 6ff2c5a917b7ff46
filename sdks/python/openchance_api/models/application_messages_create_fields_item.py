from typing import Literal

ApplicationMessagesCreateFieldsItem = Literal[
    "application", "author", "body", "created_at", "id", "livemode", "object"
]

APPLICATION_MESSAGES_CREATE_FIELDS_ITEM_VALUES: set[
    ApplicationMessagesCreateFieldsItem
] = {
    "application",
    "author",
    "body",
    "created_at",
    "id",
    "livemode",
    "object",
}


def check_application_messages_create_fields_item(
    value: str,
) -> ApplicationMessagesCreateFieldsItem:
    if value in APPLICATION_MESSAGES_CREATE_FIELDS_ITEM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {APPLICATION_MESSAGES_CREATE_FIELDS_ITEM_VALUES!r}"
    )
