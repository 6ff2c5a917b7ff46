from typing import Literal

WebhookEndpointsDeliveriesStatusItem = Literal[
    "exhausted", "failed", "pending", "succeeded"
]

WEBHOOK_ENDPOINTS_DELIVERIES_STATUS_ITEM_VALUES: set[
    WebhookEndpointsDeliveriesStatusItem
] = {
    "exhausted",
    "failed",
    "pending",
    "succeeded",
}


def check_webhook_endpoints_deliveries_status_item(
    value: str,
) -> WebhookEndpointsDeliveriesStatusItem:
    if value in WEBHOOK_ENDPOINTS_DELIVERIES_STATUS_ITEM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {WEBHOOK_ENDPOINTS_DELIVERIES_STATUS_ITEM_VALUES!r}"
    )
