from typing import Literal

MessagesListExpandItem = Literal["application"]

MESSAGES_LIST_EXPAND_ITEM_VALUES: set[MessagesListExpandItem] = {
    "application",
}


def check_messages_list_expand_item(value: str) -> MessagesListExpandItem:
    if value in MESSAGES_LIST_EXPAND_ITEM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {MESSAGES_LIST_EXPAND_ITEM_VALUES!r}"
    )
