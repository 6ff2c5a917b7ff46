from typing import Literal

ChallengesListOrdering = Literal[
    "-created_at",
    "-deadline",
    "-reward_amount",
    "-updated_at",
    "created_at",
    "deadline",
    "reward_amount",
    "updated_at",
]

CHALLENGES_LIST_ORDERING_VALUES: set[ChallengesListOrdering] = {
    "-created_at",
    "-deadline",
    "-reward_amount",
    "-updated_at",
    "created_at",
    "deadline",
    "reward_amount",
    "updated_at",
}


def check_challenges_list_ordering(value: str) -> ChallengesListOrdering:
    if value in CHALLENGES_LIST_ORDERING_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {CHALLENGES_LIST_ORDERING_VALUES!r}"
    )
