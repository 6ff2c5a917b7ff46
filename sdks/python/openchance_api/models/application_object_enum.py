from typing import Literal

ApplicationObjectEnum = Literal["application"]

APPLICATION_OBJECT_ENUM_VALUES: set[ApplicationObjectEnum] = {
    "application",
}


def check_application_object_enum(value: str) -> ApplicationObjectEnum:
    if value in APPLICATION_OBJECT_ENUM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {APPLICATION_OBJECT_ENUM_VALUES!r}"
    )
