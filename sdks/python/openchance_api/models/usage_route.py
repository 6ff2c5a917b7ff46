from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="UsageRoute")


@_attrs_define
class UsageRoute:
    """
    Attributes:
        billable_calls (int): Live calls that count toward the bill: not refused by a limit, not a 5xx.
        calls (int): Every metered call (live and sandbox).
        method (str):
        non_billable_calls (int): Live calls that are not billed: refused (429, 402), answered with a 5xx, or billing's
            own routes.
        route (str): The route template (`/v1/challenges/<str:challenge_id>`); paths that match no route are counted
            under `/v1/<unmatched>`.
        sandbox_calls (int): Test-key calls: never billed.
    """

    billable_calls: int
    calls: int
    method: str
    non_billable_calls: int
    route: str
    sandbox_calls: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        billable_calls = self.billable_calls

        calls = self.calls

        method = self.method

        non_billable_calls = self.non_billable_calls

        route = self.route

        sandbox_calls = self.sandbox_calls

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "billable_calls": billable_calls,
                "calls": calls,
                "method": method,
                "non_billable_calls": non_billable_calls,
                "route": route,
                "sandbox_calls": sandbox_calls,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        billable_calls = d.pop("billable_calls")

        calls = d.pop("calls")

        method = d.pop("method")

        non_billable_calls = d.pop("non_billable_calls")

        route = d.pop("route")

        sandbox_calls = d.pop("sandbox_calls")

        usage_route = cls(
            billable_calls=billable_calls,
            calls=calls,
            method=method,
            non_billable_calls=non_billable_calls,
            route=route,
            sandbox_calls=sandbox_calls,
        )

        usage_route.additional_properties = d
        return usage_route

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
