from typing import Literal

MessagesListAuthor = Literal["applicant", "organisation"]

MESSAGES_LIST_AUTHOR_VALUES: set[MessagesListAuthor] = {
    "applicant",
    "organisation",
}


def check_messages_list_author(value: str) -> MessagesListAuthor:
    if value in MESSAGES_LIST_AUTHOR_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {MESSAGES_LIST_AUTHOR_VALUES!r}"
    )
