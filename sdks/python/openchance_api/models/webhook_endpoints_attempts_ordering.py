from typing import Literal

WebhookEndpointsAttemptsOrdering = Literal["-created_at", "created_at"]

WEBHOOK_ENDPOINTS_ATTEMPTS_ORDERING_VALUES: set[WebhookEndpointsAttemptsOrdering] = {
    "-created_at",
    "created_at",
}


def check_webhook_endpoints_attempts_ordering(
    value: str,
) -> WebhookEndpointsAttemptsOrdering:
    if value in WEBHOOK_ENDPOINTS_ATTEMPTS_ORDERING_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {WEBHOOK_ENDPOINTS_ATTEMPTS_ORDERING_VALUES!r}"
    )
