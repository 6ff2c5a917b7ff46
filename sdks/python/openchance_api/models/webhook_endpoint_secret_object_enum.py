from typing import Literal

WebhookEndpointSecretObjectEnum = Literal["webhook_endpoint_secret"]

WEBHOOK_ENDPOINT_SECRET_OBJECT_ENUM_VALUES: set[WebhookEndpointSecretObjectEnum] = {
    "webhook_endpoint_secret",
}


def check_webhook_endpoint_secret_object_enum(
    value: str,
) -> WebhookEndpointSecretObjectEnum:
    if value in WEBHOOK_ENDPOINT_SECRET_OBJECT_ENUM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {WEBHOOK_ENDPOINT_SECRET_OBJECT_ENUM_VALUES!r}"
    )
