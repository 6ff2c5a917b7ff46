from typing import Literal

BillingSettingsObjectEnum = Literal["billing_settings"]

BILLING_SETTINGS_OBJECT_ENUM_VALUES: set[BillingSettingsObjectEnum] = {
    "billing_settings",
}


def check_billing_settings_object_enum(value: str) -> BillingSettingsObjectEnum:
    if value in BILLING_SETTINGS_OBJECT_ENUM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {BILLING_SETTINGS_OBJECT_ENUM_VALUES!r}"
    )
