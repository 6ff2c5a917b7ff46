from typing import Literal

ReviewsListOrdering = Literal["-created_at", "created_at"]

REVIEWS_LIST_ORDERING_VALUES: set[ReviewsListOrdering] = {
    "-created_at",
    "created_at",
}


def check_reviews_list_ordering(value: str) -> ReviewsListOrdering:
    if value in REVIEWS_LIST_ORDERING_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {REVIEWS_LIST_ORDERING_VALUES!r}"
    )
