from typing import Literal

ApplicationsRetrieveFieldsItem = Literal[
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

APPLICATIONS_RETRIEVE_FIELDS_ITEM_VALUES: set[ApplicationsRetrieveFieldsItem] = {
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


def check_applications_retrieve_fields_item(
    value: str,
) -> ApplicationsRetrieveFieldsItem:
    if value in APPLICATIONS_RETRIEVE_FIELDS_ITEM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {APPLICATIONS_RETRIEVE_FIELDS_ITEM_VALUES!r}"
    )
