from typing import Literal

ApplicationMessagesListAuthor = Literal["applicant", "organisation"]

APPLICATION_MESSAGES_LIST_AUTHOR_VALUES: set[ApplicationMessagesListAuthor] = {
    "applicant",
    "organisation",
}


def check_application_messages_list_author(value: str) -> ApplicationMessagesListAuthor:
    if value in APPLICATION_MESSAGES_LIST_AUTHOR_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {APPLICATION_MESSAGES_LIST_AUTHOR_VALUES!r}"
    )
