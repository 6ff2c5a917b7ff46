from typing import Literal

ListObjectEnum = Literal["list"]

LIST_OBJECT_ENUM_VALUES: set[ListObjectEnum] = {
    "list",
}


def check_list_object_enum(value: str) -> ListObjectEnum:
    if value in LIST_OBJECT_ENUM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {LIST_OBJECT_ENUM_VALUES!r}"
    )
