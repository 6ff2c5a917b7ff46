from typing import Literal

ChallengeStatusEnum = Literal["awarded", "cancelled", "closed", "draft", "open"]

CHALLENGE_STATUS_ENUM_VALUES: set[ChallengeStatusEnum] = {
    "awarded",
    "cancelled",
    "closed",
    "draft",
    "open",
}


def check_challenge_status_enum(value: str) -> ChallengeStatusEnum:
    if value in CHALLENGE_STATUS_ENUM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {CHALLENGE_STATUS_ENUM_VALUES!r}"
    )
