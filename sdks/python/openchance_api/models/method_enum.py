from typing import Literal

MethodEnum = Literal["DELETE", "GET", "PATCH", "POST"]

METHOD_ENUM_VALUES: set[MethodEnum] = {
    "DELETE",
    "GET",
    "PATCH",
    "POST",
}


def check_method_enum(value: str) -> MethodEnum:
    if value in METHOD_ENUM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {METHOD_ENUM_VALUES!r}"
    )
