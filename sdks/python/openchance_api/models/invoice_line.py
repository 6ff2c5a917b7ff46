from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="InvoiceLine")


@_attrs_define
class InvoiceLine:
    """
    Attributes:
        amount (int): Minor units, rounded half up once per line.
        description (str):
        kind (str): `base_fee`, `included_calls`, `overage`, `proration`, `credit` or `adjustment` (clients must accept
            kinds they do not know).
        period_end (datetime.datetime):
        period_start (datetime.datetime):
        quantity (int):
        unit_amount (str): Minor units per unit, a decimal string (`"0.1"` = $0.001 a call).
    """

    amount: int
    description: str
    kind: str
    period_end: datetime.datetime
    period_start: datetime.datetime
    quantity: int
    unit_amount: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        amount = self.amount

        description = self.description

        kind = self.kind

        period_end = self.period_end.isoformat()

        period_start = self.period_start.isoformat()

        quantity = self.quantity

        unit_amount = self.unit_amount

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "amount": amount,
                "description": description,
                "kind": kind,
                "period_end": period_end,
                "period_start": period_start,
                "quantity": quantity,
                "unit_amount": unit_amount,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        amount = d.pop("amount")

        description = d.pop("description")

        kind = d.pop("kind")

        period_end = datetime.datetime.fromisoformat(d.pop("period_end"))

        period_start = datetime.datetime.fromisoformat(d.pop("period_start"))

        quantity = d.pop("quantity")

        unit_amount = d.pop("unit_amount")

        invoice_line = cls(
            amount=amount,
            description=description,
            kind=kind,
            period_end=period_end,
            period_start=period_start,
            quantity=quantity,
            unit_amount=unit_amount,
        )

        invoice_line.additional_properties = d
        return invoice_line

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
