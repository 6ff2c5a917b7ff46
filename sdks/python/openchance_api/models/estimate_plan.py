from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="EstimatePlan")


@_attrs_define
class EstimatePlan:
    """
    Attributes:
        cost_so_far (int): This period's usage on that plan.
        is_current (bool):
        name (str):
        plan (str):
        projected_calls_refused (int): Projected calls a hard-capped plan would refuse.
        projected_cost (int):
    """

    cost_so_far: int
    is_current: bool
    name: str
    plan: str
    projected_calls_refused: int
    projected_cost: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        cost_so_far = self.cost_so_far

        is_current = self.is_current

        name = self.name

        plan = self.plan

        projected_calls_refused = self.projected_calls_refused

        projected_cost = self.projected_cost

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "cost_so_far": cost_so_far,
                "is_current": is_current,
                "name": name,
                "plan": plan,
                "projected_calls_refused": projected_calls_refused,
                "projected_cost": projected_cost,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        cost_so_far = d.pop("cost_so_far")

        is_current = d.pop("is_current")

        name = d.pop("name")

        plan = d.pop("plan")

        projected_calls_refused = d.pop("projected_calls_refused")

        projected_cost = d.pop("projected_cost")

        estimate_plan = cls(
            cost_so_far=cost_so_far,
            is_current=is_current,
            name=name,
            plan=plan,
            projected_calls_refused=projected_calls_refused,
            projected_cost=projected_cost,
        )

        estimate_plan.additional_properties = d
        return estimate_plan

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
