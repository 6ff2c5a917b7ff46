from typing import Literal

WebhookDeliveryObjectEnum = Literal["webhook_delivery"]

WEBHOOK_DELIVERY_OBJECT_ENUM_VALUES: set[WebhookDeliveryObjectEnum] = {
    "webhook_delivery",
}


def check_webhook_delivery_object_enum(value: str) -> WebhookDeliveryObjectEnum:
    if value in WEBHOOK_DELIVERY_OBJECT_ENUM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {WEBHOOK_DELIVERY_OBJECT_ENUM_VALUES!r}"
    )
