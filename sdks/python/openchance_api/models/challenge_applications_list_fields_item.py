from typing import Literal

ChallengeApplicationsListFieldsItem = Literal[
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

CHALLENGE_APPLICATIONS_LIST_FIELDS_ITEM_VALUES: set[
    ChallengeApplicationsListFieldsItem
] = {
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


def check_challenge_applications_list_fields_item(
    value: str,
) -> ChallengeApplicationsListFieldsItem:
    if value in CHALLENGE_APPLICATIONS_LIST_FIELDS_ITEM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {CHALLENGE_APPLICATIONS_LIST_FIELDS_ITEM_VALUES!r}"
    )
