from typing import Literal

ProviderEnum = Literal["manual", "stripe"]

PROVIDER_ENUM_VALUES: set[ProviderEnum] = {
    "manual",
    "stripe",
}


def check_provider_enum(value: str) -> ProviderEnum:
    if value in PROVIDER_ENUM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {PROVIDER_ENUM_VALUES!r}"
    )
