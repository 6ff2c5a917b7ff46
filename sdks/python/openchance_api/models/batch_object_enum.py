from typing import Literal

BatchObjectEnum = Literal["batch"]

BATCH_OBJECT_ENUM_VALUES: set[BatchObjectEnum] = {
    "batch",
}


def check_batch_object_enum(value: str) -> BatchObjectEnum:
    if value in BATCH_OBJECT_ENUM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {BATCH_OBJECT_ENUM_VALUES!r}"
    )
