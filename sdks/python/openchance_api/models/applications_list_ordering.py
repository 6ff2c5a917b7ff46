from typing import Literal

ApplicationsListOrdering = Literal["-created_at", "created_at"]

APPLICATIONS_LIST_ORDERING_VALUES: set[ApplicationsListOrdering] = {
    "-created_at",
    "created_at",
}


def check_applications_list_ordering(value: str) -> ApplicationsListOrdering:
    if value in APPLICATIONS_LIST_ORDERING_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {APPLICATIONS_LIST_ORDERING_VALUES!r}"
    )
