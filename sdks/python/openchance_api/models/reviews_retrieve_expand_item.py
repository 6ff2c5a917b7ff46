from typing import Literal

ReviewsRetrieveExpandItem = Literal["application"]

REVIEWS_RETRIEVE_EXPAND_ITEM_VALUES: set[ReviewsRetrieveExpandItem] = {
    "application",
}


def check_reviews_retrieve_expand_item(value: str) -> ReviewsRetrieveExpandItem:
    if value in REVIEWS_RETRIEVE_EXPAND_ITEM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {REVIEWS_RETRIEVE_EXPAND_ITEM_VALUES!r}"
    )
