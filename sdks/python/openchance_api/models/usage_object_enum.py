from typing import Literal

UsageObjectEnum = Literal["usage"]

USAGE_OBJECT_ENUM_VALUES: set[UsageObjectEnum] = {
    "usage",
}


def check_usage_object_enum(value: str) -> UsageObjectEnum:
    if value in USAGE_OBJECT_ENUM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {USAGE_OBJECT_ENUM_VALUES!r}"
    )
