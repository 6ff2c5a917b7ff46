from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="MeLimits")


@_attrs_define
class MeLimits:
    """
    Attributes:
        burst (int):
        is_degraded (bool):
        rate_per_second (int):
        remaining (int):
        reset_seconds (int):
    """

    burst: int
    is_degraded: bool
    rate_per_second: int
    remaining: int
    reset_seconds: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        burst = self.burst

        is_degraded = self.is_degraded

        rate_per_second = self.rate_per_second

        remaining = self.remaining

        reset_seconds = self.reset_seconds

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "burst": burst,
                "is_degraded": is_degraded,
                "rate_per_second": rate_per_second,
                "remaining": remaining,
                "reset_seconds": reset_seconds,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        burst = d.pop("burst")

        is_degraded = d.pop("is_degraded")

        rate_per_second = d.pop("rate_per_second")

        remaining = d.pop("remaining")

        reset_seconds = d.pop("reset_seconds")

        me_limits = cls(
            burst=burst,
            is_degraded=is_degraded,
            rate_per_second=rate_per_second,
            remaining=remaining,
            reset_seconds=reset_seconds,
        )

        me_limits.additional_properties = d
        return me_limits

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
