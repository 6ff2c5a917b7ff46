from typing import Literal

ReviewsListFieldsItem = Literal[
    "application", "comment", "created_at", "id", "livemode", "object", "rating"
]

REVIEWS_LIST_FIELDS_ITEM_VALUES: set[ReviewsListFieldsItem] = {
    "application",
    "comment",
    "created_at",
    "id",
    "livemode",
    "object",
    "rating",
}


def check_reviews_list_fields_item(value: str) -> ReviewsListFieldsItem:
    if value in REVIEWS_LIST_FIELDS_ITEM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {REVIEWS_LIST_FIELDS_ITEM_VALUES!r}"
    )
