from typing import Literal

WebhookRecoverResultObjectEnum = Literal["webhook_recovery"]

WEBHOOK_RECOVER_RESULT_OBJECT_ENUM_VALUES: set[WebhookRecoverResultObjectEnum] = {
    "webhook_recovery",
}


def check_webhook_recover_result_object_enum(
    value: str,
) -> WebhookRecoverResultObjectEnum:
    if value in WEBHOOK_RECOVER_RESULT_OBJECT_ENUM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {WEBHOOK_RECOVER_RESULT_OBJECT_ENUM_VALUES!r}"
    )
