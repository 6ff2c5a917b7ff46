from typing import Literal

WebhookDeliveriesAttemptsOrdering = Literal["-created_at", "created_at"]

WEBHOOK_DELIVERIES_ATTEMPTS_ORDERING_VALUES: set[WebhookDeliveriesAttemptsOrdering] = {
    "-created_at",
    "created_at",
}


def check_webhook_deliveries_attempts_ordering(
    value: str,
) -> WebhookDeliveriesAttemptsOrdering:
    if value in WEBHOOK_DELIVERIES_ATTEMPTS_ORDERING_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {WEBHOOK_DELIVERIES_ATTEMPTS_ORDERING_VALUES!r}"
    )
