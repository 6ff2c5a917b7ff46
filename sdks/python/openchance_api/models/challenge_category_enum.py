from typing import Literal

ChallengeCategoryEnum = Literal["bounty", "gig", "grant", "hackathon", "other"]

CHALLENGE_CATEGORY_ENUM_VALUES: set[ChallengeCategoryEnum] = {
    "bounty",
    "gig",
    "grant",
    "hackathon",
    "other",
}


def check_challenge_category_enum(value: str) -> ChallengeCategoryEnum:
    if value in CHALLENGE_CATEGORY_ENUM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {CHALLENGE_CATEGORY_ENUM_VALUES!r}"
    )
