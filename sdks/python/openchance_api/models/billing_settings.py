from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.billing_settings_object_enum import (
    BillingSettingsObjectEnum,
    check_billing_settings_object_enum,
)

if TYPE_CHECKING:
    from ..models.spend_cap_output import SpendCapOutput


T = TypeVar("T", bound="BillingSettings")


@_attrs_define
class BillingSettings:
    """
    Attributes:
        budgets (list[int]): Alert amounts (minor units), ascending.
        currency (str):
        has_payment_method (bool):
        object_ (BillingSettingsObjectEnum): * `billing_settings` - billing_settings
        pay_as_you_go (bool):
        spend_cap (None | SpendCapOutput): `null`: no spend cap.
    """

    budgets: list[int]
    currency: str
    has_payment_method: bool
    object_: BillingSettingsObjectEnum
    pay_as_you_go: bool
    spend_cap: None | SpendCapOutput
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.spend_cap_output import SpendCapOutput

        budgets = self.budgets

        currency = self.currency

        has_payment_method = self.has_payment_method

        object_: str = self.object_

        pay_as_you_go = self.pay_as_you_go

        spend_cap: dict[str, Any] | None
        if isinstance(self.spend_cap, SpendCapOutput):
            spend_cap = self.spend_cap.to_dict()
        else:
            spend_cap = self.spend_cap

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "budgets": budgets,
                "currency": currency,
                "has_payment_method": has_payment_method,
                "object": object_,
                "pay_as_you_go": pay_as_you_go,
                "spend_cap": spend_cap,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.spend_cap_output import SpendCapOutput

        d = dict(src_dict)
        budgets = cast(list[int], d.pop("budgets"))

        currency = d.pop("currency")

        has_payment_method = d.pop("has_payment_method")

        object_ = check_billing_settings_object_enum(d.pop("object"))

        pay_as_you_go = d.pop("pay_as_you_go")

        def _parse_spend_cap(data: object) -> None | SpendCapOutput:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                spend_cap_type_1 = SpendCapOutput.from_dict(data)

                return spend_cap_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SpendCapOutput, data)

        spend_cap = _parse_spend_cap(d.pop("spend_cap"))

        billing_settings = cls(
            budgets=budgets,
            currency=currency,
            has_payment_method=has_payment_method,
            object_=object_,
            pay_as_you_go=pay_as_you_go,
            spend_cap=spend_cap,
        )

        billing_settings.additional_properties = d
        return billing_settings

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
