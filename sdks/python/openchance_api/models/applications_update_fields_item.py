from typing import Literal

ApplicationsUpdateFieldsItem = Literal[
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

APPLICATIONS_UPDATE_FIELDS_ITEM_VALUES: set[ApplicationsUpdateFieldsItem] = {
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


def check_applications_update_fields_item(value: str) -> ApplicationsUpdateFieldsItem:
    if value in APPLICATIONS_UPDATE_FIELDS_ITEM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {APPLICATIONS_UPDATE_FIELDS_ITEM_VALUES!r}"
    )
