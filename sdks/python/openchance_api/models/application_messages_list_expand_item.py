from typing import Literal

ApplicationMessagesListExpandItem = Literal["application"]

APPLICATION_MESSAGES_LIST_EXPAND_ITEM_VALUES: set[ApplicationMessagesListExpandItem] = {
    "application",
}


def check_application_messages_list_expand_item(
    value: str,
) -> ApplicationMessagesListExpandItem:
    if value in APPLICATION_MESSAGES_LIST_EXPAND_ITEM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {APPLICATION_MESSAGES_LIST_EXPAND_ITEM_VALUES!r}"
    )
