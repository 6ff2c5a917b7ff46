from typing import Literal

ChallengesAwardFieldsItem = Literal[
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

CHALLENGES_AWARD_FIELDS_ITEM_VALUES: set[ChallengesAwardFieldsItem] = {
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


def check_challenges_award_fields_item(value: str) -> ChallengesAwardFieldsItem:
    if value in CHALLENGES_AWARD_FIELDS_ITEM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {CHALLENGES_AWARD_FIELDS_ITEM_VALUES!r}"
    )
