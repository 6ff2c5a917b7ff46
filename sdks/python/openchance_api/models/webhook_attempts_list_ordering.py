from typing import Literal

WebhookAttemptsListOrdering = Literal["-created_at", "created_at"]

WEBHOOK_ATTEMPTS_LIST_ORDERING_VALUES: set[WebhookAttemptsListOrdering] = {
    "-created_at",
    "created_at",
}


def check_webhook_attempts_list_ordering(value: str) -> WebhookAttemptsListOrdering:
    if value in WEBHOOK_ATTEMPTS_LIST_ORDERING_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {WEBHOOK_ATTEMPTS_LIST_ORDERING_VALUES!r}"
    )
