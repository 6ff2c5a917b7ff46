from typing import Literal

WebhookEndpointObjectEnum = Literal["webhook_endpoint"]

WEBHOOK_ENDPOINT_OBJECT_ENUM_VALUES: set[WebhookEndpointObjectEnum] = {
    "webhook_endpoint",
}


def check_webhook_endpoint_object_enum(value: str) -> WebhookEndpointObjectEnum:
    if value in WEBHOOK_ENDPOINT_OBJECT_ENUM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {WEBHOOK_ENDPOINT_OBJECT_ENUM_VALUES!r}"
    )
