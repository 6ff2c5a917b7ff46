from typing import Literal

WebhookAttemptObjectEnum = Literal["webhook_attempt"]

WEBHOOK_ATTEMPT_OBJECT_ENUM_VALUES: set[WebhookAttemptObjectEnum] = {
    "webhook_attempt",
}


def check_webhook_attempt_object_enum(value: str) -> WebhookAttemptObjectEnum:
    if value in WEBHOOK_ATTEMPT_OBJECT_ENUM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {WEBHOOK_ATTEMPT_OBJECT_ENUM_VALUES!r}"
    )
