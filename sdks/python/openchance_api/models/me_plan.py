from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="MePlan")


@_attrs_define
class MePlan:
    """
    Attributes:
        code (str):
        included_calls (int | None):
        is_hard_cap (bool):
        name (str):
    """

    code: str
    included_calls: int | None
    is_hard_cap: bool
    name: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        included_calls: int | None
        included_calls = self.included_calls

        is_hard_cap = self.is_hard_cap

        name = self.name

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "code": code,
                "included_calls": included_calls,
                "is_hard_cap": is_hard_cap,
                "name": name,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        code = d.pop("code")

        def _parse_included_calls(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        included_calls = _parse_included_calls(d.pop("included_calls"))

        is_hard_cap = d.pop("is_hard_cap")

        name = d.pop("name")

        me_plan = cls(
            code=code,
            included_calls=included_calls,
            is_hard_cap=is_hard_cap,
            name=name,
        )

        me_plan.additional_properties = d
        return me_plan

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
