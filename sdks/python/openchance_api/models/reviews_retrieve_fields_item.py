from typing import Literal

ReviewsRetrieveFieldsItem = Literal[
    "application", "comment", "created_at", "id", "livemode", "object", "rating"
]

REVIEWS_RETRIEVE_FIELDS_ITEM_VALUES: set[ReviewsRetrieveFieldsItem] = {
    "application",
    "comment",
    "created_at",
    "id",
    "livemode",
    "object",
    "rating",
}


def check_reviews_retrieve_fields_item(value: str) -> ReviewsRetrieveFieldsItem:
    if value in REVIEWS_RETRIEVE_FIELDS_ITEM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {REVIEWS_RETRIEVE_FIELDS_ITEM_VALUES!r}"
    )
