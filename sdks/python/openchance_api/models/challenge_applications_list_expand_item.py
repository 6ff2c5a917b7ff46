from typing import Literal

ChallengeApplicationsListExpandItem = Literal["challenge"]

CHALLENGE_APPLICATIONS_LIST_EXPAND_ITEM_VALUES: set[
    ChallengeApplicationsListExpandItem
] = {
    "challenge",
}


def check_challenge_applications_list_expand_item(
    value: str,
) -> ChallengeApplicationsListExpandItem:
    if value in CHALLENGE_APPLICATIONS_LIST_EXPAND_ITEM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {CHALLENGE_APPLICATIONS_LIST_EXPAND_ITEM_VALUES!r}"
    )
