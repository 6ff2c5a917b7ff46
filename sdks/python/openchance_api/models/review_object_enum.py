from typing import Literal

ReviewObjectEnum = Literal["review"]

REVIEW_OBJECT_ENUM_VALUES: set[ReviewObjectEnum] = {
    "review",
}


def check_review_object_enum(value: str) -> ReviewObjectEnum:
    if value in REVIEW_OBJECT_ENUM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {REVIEW_OBJECT_ENUM_VALUES!r}"
    )
