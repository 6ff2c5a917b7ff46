from typing import Literal

ChallengesListStatusItem = Literal["awarded", "cancelled", "closed", "draft", "open"]

CHALLENGES_LIST_STATUS_ITEM_VALUES: set[ChallengesListStatusItem] = {
    "awarded",
    "cancelled",
    "closed",
    "draft",
    "open",
}


def check_challenges_list_status_item(value: str) -> ChallengesListStatusItem:
    if value in CHALLENGES_LIST_STATUS_ITEM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {CHALLENGES_LIST_STATUS_ITEM_VALUES!r}"
    )
