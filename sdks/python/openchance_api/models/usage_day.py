from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="UsageDay")


@_attrs_define
class UsageDay:
    """
    Attributes:
        billable_calls (int): Live calls that count toward the bill: not refused by a limit, not a 5xx.
        calls (int): Every metered call (live and sandbox).
        date (datetime.date): The UTC day.
        non_billable_calls (int): Live calls that are not billed: refused (429, 402), answered with a 5xx, or billing's
            own routes.
        sandbox_calls (int): Test-key calls: never billed.
    """

    billable_calls: int
    calls: int
    date: datetime.date
    non_billable_calls: int
    sandbox_calls: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        billable_calls = self.billable_calls

        calls = self.calls

        date = self.date.isoformat()

        non_billable_calls = self.non_billable_calls

        sandbox_calls = self.sandbox_calls

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "billable_calls": billable_calls,
                "calls": calls,
                "date": date,
                "non_billable_calls": non_billable_calls,
                "sandbox_calls": sandbox_calls,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        billable_calls = d.pop("billable_calls")

        calls = d.pop("calls")

        date = datetime.date.fromisoformat(d.pop("date"))

        non_billable_calls = d.pop("non_billable_calls")

        sandbox_calls = d.pop("sandbox_calls")

        usage_day = cls(
            billable_calls=billable_calls,
            calls=calls,
            date=date,
            non_billable_calls=non_billable_calls,
            sandbox_calls=sandbox_calls,
        )

        usage_day.additional_properties = d
        return usage_day

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
