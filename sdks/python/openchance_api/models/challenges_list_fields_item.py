from typing import Literal

ChallengesListFieldsItem = Literal[
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

CHALLENGES_LIST_FIELDS_ITEM_VALUES: set[ChallengesListFieldsItem] = {
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


def check_challenges_list_fields_item(value: str) -> ChallengesListFieldsItem:
    if value in CHALLENGES_LIST_FIELDS_ITEM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {CHALLENGES_LIST_FIELDS_ITEM_VALUES!r}"
    )
