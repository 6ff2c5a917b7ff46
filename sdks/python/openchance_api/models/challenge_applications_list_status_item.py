from typing import Literal

ChallengeApplicationsListStatusItem = Literal[
    "accepted", "rejected", "shortlisted", "submitted", "withdrawn"
]

CHALLENGE_APPLICATIONS_LIST_STATUS_ITEM_VALUES: set[
    ChallengeApplicationsListStatusItem
] = {
    "accepted",
    "rejected",
    "shortlisted",
    "submitted",
    "withdrawn",
}


def check_challenge_applications_list_status_item(
    value: str,
) -> ChallengeApplicationsListStatusItem:
    if value in CHALLENGE_APPLICATIONS_LIST_STATUS_ITEM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {CHALLENGE_APPLICATIONS_LIST_STATUS_ITEM_VALUES!r}"
    )
