from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="MeUsage")


@_attrs_define
class MeUsage:
    """
    Attributes:
        billable_calls (int | None):
        included_calls (int | None):
        overage_calls (int | None):
        period_end (datetime.datetime):
        period_start (datetime.datetime):
    """

    billable_calls: int | None
    included_calls: int | None
    overage_calls: int | None
    period_end: datetime.datetime
    period_start: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        billable_calls: int | None
        billable_calls = self.billable_calls

        included_calls: int | None
        included_calls = self.included_calls

        overage_calls: int | None
        overage_calls = self.overage_calls

        period_end = self.period_end.isoformat()

        period_start = self.period_start.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "billable_calls": billable_calls,
                "included_calls": included_calls,
                "overage_calls": overage_calls,
                "period_end": period_end,
                "period_start": period_start,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_billable_calls(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        billable_calls = _parse_billable_calls(d.pop("billable_calls"))

        def _parse_included_calls(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        included_calls = _parse_included_calls(d.pop("included_calls"))

        def _parse_overage_calls(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        overage_calls = _parse_overage_calls(d.pop("overage_calls"))

        period_end = datetime.datetime.fromisoformat(d.pop("period_end"))

        period_start = datetime.datetime.fromisoformat(d.pop("period_start"))

        me_usage = cls(
            billable_calls=billable_calls,
            included_calls=included_calls,
            overage_calls=overage_calls,
            period_end=period_end,
            period_start=period_start,
        )

        me_usage.additional_properties = d
        return me_usage

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
