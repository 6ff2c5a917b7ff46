from typing import Literal

ChallengesRetrieveFieldsItem = Literal[
    "application_count",
    "awarded_at",
    "cancelled_at",
    "category",
    "closed_at",
    "created_at",
    "deadline",
    "description",
    "id",
    "livemode",
    "location",
    "max_applications",
    "metadata",
    "object",
    "published_at",
    "remote",
    "reward",
    "skills",
    "status",
    "summary",
    "tags",
    "title",
    "updated_at",
]

CHALLENGES_RETRIEVE_FIELDS_ITEM_VALUES: set[ChallengesRetrieveFieldsItem] = {
    "application_count",
    "awarded_at",
    "cancelled_at",
    "category",
    "closed_at",
    "created_at",
    "deadline",
    "description",
    "id",
    "livemode",
    "location",
    "max_applications",
    "metadata",
    "object",
    "published_at",
    "remote",
    "reward",
    "skills",
    "status",
    "summary",
    "tags",
    "title",
    "updated_at",
}


def check_challenges_retrieve_fields_item(value: str) -> ChallengesRetrieveFieldsItem:
    if value in CHALLENGES_RETRIEVE_FIELDS_ITEM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {CHALLENGES_RETRIEVE_FIELDS_ITEM_VALUES!r}"
    )
