from typing import Literal

ApplicationsRetrieveExpandItem = Literal["challenge"]

APPLICATIONS_RETRIEVE_EXPAND_ITEM_VALUES: set[ApplicationsRetrieveExpandItem] = {
    "challenge",
}


def check_applications_retrieve_expand_item(
    value: str,
) -> ApplicationsRetrieveExpandItem:
    if value in APPLICATIONS_RETRIEVE_EXPAND_ITEM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {APPLICATIONS_RETRIEVE_EXPAND_ITEM_VALUES!r}"
    )
