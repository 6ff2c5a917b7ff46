from typing import Literal

ReviewsCreateFieldsItem = Literal[
    "application", "comment", "created_at", "id", "livemode", "object", "rating"
]

REVIEWS_CREATE_FIELDS_ITEM_VALUES: set[ReviewsCreateFieldsItem] = {
    "application",
    "comment",
    "created_at",
    "id",
    "livemode",
    "object",
    "rating",
}


def check_reviews_create_fields_item(value: str) -> ReviewsCreateFieldsItem:
    if value in REVIEWS_CREATE_FIELDS_ITEM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {REVIEWS_CREATE_FIELDS_ITEM_VALUES!r}"
    )
