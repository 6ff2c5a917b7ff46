from typing import Literal

ApplicationStatusEnum = Literal[
    "accepted", "rejected", "shortlisted", "submitted", "withdrawn"
]

APPLICATION_STATUS_ENUM_VALUES: set[ApplicationStatusEnum] = {
    "accepted",
    "rejected",
    "shortlisted",
    "submitted",
    "withdrawn",
}


def check_application_status_enum(value: str) -> ApplicationStatusEnum:
    if value in APPLICATION_STATUS_ENUM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {APPLICATION_STATUS_ENUM_VALUES!r}"
    )
