from typing import Literal

ChallengesCreateFieldsItem = Literal[
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

CHALLENGES_CREATE_FIELDS_ITEM_VALUES: set[ChallengesCreateFieldsItem] = {
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


def check_challenges_create_fields_item(value: str) -> ChallengesCreateFieldsItem:
    if value in CHALLENGES_CREATE_FIELDS_ITEM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {CHALLENGES_CREATE_FIELDS_ITEM_VALUES!r}"
    )
