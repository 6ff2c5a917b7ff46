from typing import Literal

WebhookDeliveriesListStatusItem = Literal["exhausted", "failed", "pending", "succeeded"]

WEBHOOK_DELIVERIES_LIST_STATUS_ITEM_VALUES: set[WebhookDeliveriesListStatusItem] = {
    "exhausted",
    "failed",
    "pending",
    "succeeded",
}


def check_webhook_deliveries_list_status_item(
    value: str,
) -> WebhookDeliveriesListStatusItem:
    if value in WEBHOOK_DELIVERIES_LIST_STATUS_ITEM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {WEBHOOK_DELIVERIES_LIST_STATUS_ITEM_VALUES!r}"
    )
