from typing import Literal

EstimateObjectEnum = Literal["usage_cost_estimate"]

ESTIMATE_OBJECT_ENUM_VALUES: set[EstimateObjectEnum] = {
    "usage_cost_estimate",
}


def check_estimate_object_enum(value: str) -> EstimateObjectEnum:
    if value in ESTIMATE_OBJECT_ENUM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {ESTIMATE_OBJECT_ENUM_VALUES!r}"
    )
