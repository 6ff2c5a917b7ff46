from typing import Literal

ChallengeObjectEnum = Literal["challenge"]

CHALLENGE_OBJECT_ENUM_VALUES: set[ChallengeObjectEnum] = {
    "challenge",
}


def check_challenge_object_enum(value: str) -> ChallengeObjectEnum:
    if value in CHALLENGE_OBJECT_ENUM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {CHALLENGE_OBJECT_ENUM_VALUES!r}"
    )
