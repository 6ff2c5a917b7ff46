from typing import Literal

ApplicationsListFieldsItem = Literal[
    "applicant",
    "challenge",
    "created_at",
    "id",
    "links",
    "livemode",
    "metadata",
    "object",
    "pitch",
    "score",
    "status",
    "updated_at",
]

APPLICATIONS_LIST_FIELDS_ITEM_VALUES: set[ApplicationsListFieldsItem] = {
    "applicant",
    "challenge",
    "created_at",
    "id",
    "links",
    "livemode",
    "metadata",
    "object",
    "pitch",
    "score",
    "status",
    "updated_at",
}


def check_applications_list_fields_item(value: str) -> ApplicationsListFieldsItem:
    if value in APPLICATIONS_LIST_FIELDS_ITEM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {APPLICATIONS_LIST_FIELDS_ITEM_VALUES!r}"
    )
