from typing import Literal

MessagesRetrieveExpandItem = Literal["application"]

MESSAGES_RETRIEVE_EXPAND_ITEM_VALUES: set[MessagesRetrieveExpandItem] = {
    "application",
}


def check_messages_retrieve_expand_item(value: str) -> MessagesRetrieveExpandItem:
    if value in MESSAGES_RETRIEVE_EXPAND_ITEM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {MESSAGES_RETRIEVE_EXPAND_ITEM_VALUES!r}"
    )
