from typing import Literal

MessageAuthorEnum = Literal["applicant", "organisation"]

MESSAGE_AUTHOR_ENUM_VALUES: set[MessageAuthorEnum] = {
    "applicant",
    "organisation",
}


def check_message_author_enum(value: str) -> MessageAuthorEnum:
    if value in MESSAGE_AUTHOR_ENUM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {MESSAGE_AUTHOR_ENUM_VALUES!r}"
    )
