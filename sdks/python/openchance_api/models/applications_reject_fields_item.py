from typing import Literal

ApplicationsRejectFieldsItem = Literal[
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

APPLICATIONS_REJECT_FIELDS_ITEM_VALUES: set[ApplicationsRejectFieldsItem] = {
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


def check_applications_reject_fields_item(value: str) -> ApplicationsRejectFieldsItem:
    if value in APPLICATIONS_REJECT_FIELDS_ITEM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {APPLICATIONS_REJECT_FIELDS_ITEM_VALUES!r}"
    )
