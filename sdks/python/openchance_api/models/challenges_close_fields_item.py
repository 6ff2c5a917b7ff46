from typing import Literal

ChallengesCloseFieldsItem = Literal[
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

CHALLENGES_CLOSE_FIELDS_ITEM_VALUES: set[ChallengesCloseFieldsItem] = {
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


def check_challenges_close_fields_item(value: str) -> ChallengesCloseFieldsItem:
    if value in CHALLENGES_CLOSE_FIELDS_ITEM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {CHALLENGES_CLOSE_FIELDS_ITEM_VALUES!r}"
    )
