from typing import Literal

ApplicationsShortlistFieldsItem = Literal[
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

APPLICATIONS_SHORTLIST_FIELDS_ITEM_VALUES: set[ApplicationsShortlistFieldsItem] = {
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


def check_applications_shortlist_fields_item(
    value: str,
) -> ApplicationsShortlistFieldsItem:
    if value in APPLICATIONS_SHORTLIST_FIELDS_ITEM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {APPLICATIONS_SHORTLIST_FIELDS_ITEM_VALUES!r}"
    )
