from typing import Literal

SubscriptionObjectEnum = Literal["subscription"]

SUBSCRIPTION_OBJECT_ENUM_VALUES: set[SubscriptionObjectEnum] = {
    "subscription",
}


def check_subscription_object_enum(value: str) -> SubscriptionObjectEnum:
    if value in SUBSCRIPTION_OBJECT_ENUM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {SUBSCRIPTION_OBJECT_ENUM_VALUES!r}"
    )
