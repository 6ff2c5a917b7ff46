from typing import Literal

ApplicationsListStatusItem = Literal[
    "accepted", "rejected", "shortlisted", "submitted", "withdrawn"
]

APPLICATIONS_LIST_STATUS_ITEM_VALUES: set[ApplicationsListStatusItem] = {
    "accepted",
    "rejected",
    "shortlisted",
    "submitted",
    "withdrawn",
}


def check_applications_list_status_item(value: str) -> ApplicationsListStatusItem:
    if value in APPLICATIONS_LIST_STATUS_ITEM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {APPLICATIONS_LIST_STATUS_ITEM_VALUES!r}"
    )
