from typing import Literal

ApplicationsListExpandItem = Literal["challenge"]

APPLICATIONS_LIST_EXPAND_ITEM_VALUES: set[ApplicationsListExpandItem] = {
    "challenge",
}


def check_applications_list_expand_item(value: str) -> ApplicationsListExpandItem:
    if value in APPLICATIONS_LIST_EXPAND_ITEM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {APPLICATIONS_LIST_EXPAND_ITEM_VALUES!r}"
    )
