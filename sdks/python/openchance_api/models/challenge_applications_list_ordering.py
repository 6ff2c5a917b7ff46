from typing import Literal

ChallengeApplicationsListOrdering = Literal["-created_at", "created_at"]

CHALLENGE_APPLICATIONS_LIST_ORDERING_VALUES: set[ChallengeApplicationsListOrdering] = {
    "-created_at",
    "created_at",
}


def check_challenge_applications_list_ordering(
    value: str,
) -> ChallengeApplicationsListOrdering:
    if value in CHALLENGE_APPLICATIONS_LIST_ORDERING_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {CHALLENGE_APPLICATIONS_LIST_ORDERING_VALUES!r}"
    )
