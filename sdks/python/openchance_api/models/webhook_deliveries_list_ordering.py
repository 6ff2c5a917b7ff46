from typing import Literal

WebhookDeliveriesListOrdering = Literal["-created_at", "created_at"]

WEBHOOK_DELIVERIES_LIST_ORDERING_VALUES: set[WebhookDeliveriesListOrdering] = {
    "-created_at",
    "created_at",
}


def check_webhook_deliveries_list_ordering(value: str) -> WebhookDeliveriesListOrdering:
    if value in WEBHOOK_DELIVERIES_LIST_ORDERING_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {WEBHOOK_DELIVERIES_LIST_ORDERING_VALUES!r}"
    )
