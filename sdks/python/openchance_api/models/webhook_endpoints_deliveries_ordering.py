from typing import Literal

WebhookEndpointsDeliveriesOrdering = Literal["-created_at", "created_at"]

WEBHOOK_ENDPOINTS_DELIVERIES_ORDERING_VALUES: set[
    WebhookEndpointsDeliveriesOrdering
] = {
    "-created_at",
    "created_at",
}


def check_webhook_endpoints_deliveries_ordering(
    value: str,
) -> WebhookEndpointsDeliveriesOrdering:
    if value in WEBHOOK_ENDPOINTS_DELIVERIES_ORDERING_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {WEBHOOK_ENDPOINTS_DELIVERIES_ORDERING_VALUES!r}"
    )
