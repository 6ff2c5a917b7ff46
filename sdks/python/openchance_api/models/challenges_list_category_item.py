from typing import Literal

ChallengesListCategoryItem = Literal["bounty", "gig", "grant", "hackathon", "other"]

CHALLENGES_LIST_CATEGORY_ITEM_VALUES: set[ChallengesListCategoryItem] = {
    "bounty",
    "gig",
    "grant",
    "hackathon",
    "other",
}


def check_challenges_list_category_item(value: str) -> ChallengesListCategoryItem:
    if value in CHALLENGES_LIST_CATEGORY_ITEM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {CHALLENGES_LIST_CATEGORY_ITEM_VALUES!r}"
    )
