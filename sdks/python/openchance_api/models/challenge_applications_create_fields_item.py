from typing import Literal

ChallengeApplicationsCreateFieldsItem = Literal[
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

CHALLENGE_APPLICATIONS_CREATE_FIELDS_ITEM_VALUES: set[
    ChallengeApplicationsCreateFieldsItem
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


def check_challenge_applications_create_fields_item(
    value: str,
) -> ChallengeApplicationsCreateFieldsItem:
    if value in CHALLENGE_APPLICATIONS_CREATE_FIELDS_ITEM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {CHALLENGE_APPLICATIONS_CREATE_FIELDS_ITEM_VALUES!r}"
    )
