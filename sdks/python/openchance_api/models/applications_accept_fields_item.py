from typing import Literal

ApplicationsAcceptFieldsItem = Literal[
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

APPLICATIONS_ACCEPT_FIELDS_ITEM_VALUES: set[ApplicationsAcceptFieldsItem] = {
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


def check_applications_accept_fields_item(value: str) -> ApplicationsAcceptFieldsItem:
    if value in APPLICATIONS_ACCEPT_FIELDS_ITEM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {APPLICATIONS_ACCEPT_FIELDS_ITEM_VALUES!r}"
    )
