from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.spend_cap_request import SpendCapRequest


T = TypeVar("T", bound="PatchedBillingSettingsUpdateRequest")


@_attrs_define
class PatchedBillingSettingsUpdateRequest:
    """A nested object that refuses members it does not declare.

    Attributes:
        budgets (list[int] | Unset): Up to 10 period totals (minor units) to be alerted at
            (`billing.usage_threshold_reached`, an email to owners and admins); `[]` clears them.
        pay_as_you_go (bool | Unset): Hard-capped plans (Free): bill calls past the included ones at the plan's overage
            price instead of refusing them. Needs a payment method.
        spend_cap (None | SpendCapRequest | Unset): The spend cap, or `null` to remove it.
    """

    budgets: list[int] | Unset = UNSET
    pay_as_you_go: bool | Unset = UNSET
    spend_cap: None | SpendCapRequest | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.spend_cap_request import SpendCapRequest

        budgets: list[int] | Unset = UNSET
        if not isinstance(self.budgets, Unset):
            budgets = self.budgets

        pay_as_you_go = self.pay_as_you_go

        spend_cap: dict[str, Any] | None | Unset
        if isinstance(self.spend_cap, Unset):
            spend_cap = UNSET
        elif isinstance(self.spend_cap, SpendCapRequest):
            spend_cap = self.spend_cap.to_dict()
        else:
            spend_cap = self.spend_cap

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if budgets is not UNSET:
            field_dict["budgets"] = budgets
        if pay_as_you_go is not UNSET:
            field_dict["pay_as_you_go"] = pay_as_you_go
        if spend_cap is not UNSET:
            field_dict["spend_cap"] = spend_cap

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.spend_cap_request import SpendCapRequest

        d = dict(src_dict)
        budgets = cast(list[int], d.pop("budgets", UNSET))

        pay_as_you_go = d.pop("pay_as_you_go", UNSET)

        def _parse_spend_cap(data: object) -> None | SpendCapRequest | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                spend_cap_type_1 = SpendCapRequest.from_dict(data)

                return spend_cap_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SpendCapRequest | Unset, data)

        spend_cap = _parse_spend_cap(d.pop("spend_cap", UNSET))

        patched_billing_settings_update_request = cls(
            budgets=budgets,
            pay_as_you_go=pay_as_you_go,
            spend_cap=spend_cap,
        )

        patched_billing_settings_update_request.additional_properties = d
        return patched_billing_settings_update_request

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
