from typing import Literal

ReviewsListExpandItem = Literal["application"]

REVIEWS_LIST_EXPAND_ITEM_VALUES: set[ReviewsListExpandItem] = {
    "application",
}


def check_reviews_list_expand_item(value: str) -> ReviewsListExpandItem:
    if value in REVIEWS_LIST_EXPAND_ITEM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {REVIEWS_LIST_EXPAND_ITEM_VALUES!r}"
    )
