from typing import Literal

WebhookEndpointHealthStatusEnum = Literal["disabled", "failing", "healthy"]

WEBHOOK_ENDPOINT_HEALTH_STATUS_ENUM_VALUES: set[WebhookEndpointHealthStatusEnum] = {
    "disabled",
    "failing",
    "healthy",
}


def check_webhook_endpoint_health_status_enum(
    value: str,
) -> WebhookEndpointHealthStatusEnum:
    if value in WEBHOOK_ENDPOINT_HEALTH_STATUS_ENUM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {WEBHOOK_ENDPOINT_HEALTH_STATUS_ENUM_VALUES!r}"
    )
