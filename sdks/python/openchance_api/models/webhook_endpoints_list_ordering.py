from typing import Literal

WebhookEndpointsListOrdering = Literal["-created_at", "created_at"]

WEBHOOK_ENDPOINTS_LIST_ORDERING_VALUES: set[WebhookEndpointsListOrdering] = {
    "-created_at",
    "created_at",
}


def check_webhook_endpoints_list_ordering(value: str) -> WebhookEndpointsListOrdering:
    if value in WEBHOOK_ENDPOINTS_LIST_ORDERING_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {WEBHOOK_ENDPOINTS_LIST_ORDERING_VALUES!r}"
    )
