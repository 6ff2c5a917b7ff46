from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.invoice_object_enum import InvoiceObjectEnum, check_invoice_object_enum
from ..models.invoice_status_enum import InvoiceStatusEnum, check_invoice_status_enum

if TYPE_CHECKING:
    from ..models.credit_note import CreditNote
    from ..models.invoice_line import InvoiceLine


T = TypeVar("T", bound="Invoice")


@_attrs_define
class Invoice:
    """
    Attributes:
        amount_credited (int):
        amount_due (int):
        amount_paid (int):
        calls_billable (int):
        calls_total (int):
        created_at (datetime.datetime):
        credit_notes (list[CreditNote]):
        currency (str):
        due_at (datetime.datetime | None):
        finalised_at (datetime.datetime | None):
        id (str): `inv_…`
        issued_at (datetime.datetime | None):
        kind (str):
        lines (list[InvoiceLine]):
        next_payment_attempt_at (datetime.datetime | None):
        number (None | str): `OC-2026-000123`, given when finalised (`null` on a draft).
        object_ (InvoiceObjectEnum): * `invoice` - invoice
        paid_at (datetime.datetime | None):
        payment_attempts (int):
        period (str): `YYYY-MM`
        period_end (datetime.datetime):
        period_start (datetime.datetime):
        plan (str):
        status (InvoiceStatusEnum): * `draft` - draft
            * `open` - open
            * `paid` - paid
            * `void` - void
            * `uncollectible` - uncollectible
        subtotal (int):
        total (int):
        voided_at (datetime.datetime | None):
    """

    amount_credited: int
    amount_due: int
    amount_paid: int
    calls_billable: int
    calls_total: int
    created_at: datetime.datetime
    credit_notes: list[CreditNote]
    currency: str
    due_at: datetime.datetime | None
    finalised_at: datetime.datetime | None
    id: str
    issued_at: datetime.datetime | None
    kind: str
    lines: list[InvoiceLine]
    next_payment_attempt_at: datetime.datetime | None
    number: None | str
    object_: InvoiceObjectEnum
    paid_at: datetime.datetime | None
    payment_attempts: int
    period: str
    period_end: datetime.datetime
    period_start: datetime.datetime
    plan: str
    status: InvoiceStatusEnum
    subtotal: int
    total: int
    voided_at: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        amount_credited = self.amount_credited

        amount_due = self.amount_due

        amount_paid = self.amount_paid

        calls_billable = self.calls_billable

        calls_total = self.calls_total

        created_at = self.created_at.isoformat()

        credit_notes = []
        for credit_notes_item_data in self.credit_notes:
            credit_notes_item = credit_notes_item_data.to_dict()
            credit_notes.append(credit_notes_item)

        currency = self.currency

        due_at: None | str
        if isinstance(self.due_at, datetime.datetime):
            due_at = self.due_at.isoformat()
        else:
            due_at = self.due_at

        finalised_at: None | str
        if isinstance(self.finalised_at, datetime.datetime):
            finalised_at = self.finalised_at.isoformat()
        else:
            finalised_at = self.finalised_at

        id = self.id

        issued_at: None | str
        if isinstance(self.issued_at, datetime.datetime):
            issued_at = self.issued_at.isoformat()
        else:
            issued_at = self.issued_at

        kind = self.kind

        lines = []
        for lines_item_data in self.lines:
            lines_item = lines_item_data.to_dict()
            lines.append(lines_item)

        next_payment_attempt_at: None | str
        if isinstance(self.next_payment_attempt_at, datetime.datetime):
            next_payment_attempt_at = self.next_payment_attempt_at.isoformat()
        else:
            next_payment_attempt_at = self.next_payment_attempt_at

        number: None | str
        number = self.number

        object_: str = self.object_

        paid_at: None | str
        if isinstance(self.paid_at, datetime.datetime):
            paid_at = self.paid_at.isoformat()
        else:
            paid_at = self.paid_at

        payment_attempts = self.payment_attempts

        period = self.period

        period_end = self.period_end.isoformat()

        period_start = self.period_start.isoformat()

        plan = self.plan

        status: str = self.status

        subtotal = self.subtotal

        total = self.total

        voided_at: None | str
        if isinstance(self.voided_at, datetime.datetime):
            voided_at = self.voided_at.isoformat()
        else:
            voided_at = self.voided_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "amount_credited": amount_credited,
                "amount_due": amount_due,
                "amount_paid": amount_paid,
                "calls_billable": calls_billable,
                "calls_total": calls_total,
                "created_at": created_at,
                "credit_notes": credit_notes,
                "currency": currency,
                "due_at": due_at,
                "finalised_at": finalised_at,
                "id": id,
                "issued_at": issued_at,
                "kind": kind,
                "lines": lines,
                "next_payment_attempt_at": next_payment_attempt_at,
                "number": number,
                "object": object_,
                "paid_at": paid_at,
                "payment_attempts": payment_attempts,
                "period": period,
                "period_end": period_end,
                "period_start": period_start,
                "plan": plan,
                "status": status,
                "subtotal": subtotal,
                "total": total,
                "voided_at": voided_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.credit_note import CreditNote
        from ..models.invoice_line import InvoiceLine

        d = dict(src_dict)
        amount_credited = d.pop("amount_credited")

        amount_due = d.pop("amount_due")

        amount_paid = d.pop("amount_paid")

        calls_billable = d.pop("calls_billable")

        calls_total = d.pop("calls_total")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        credit_notes = []
        _credit_notes = d.pop("credit_notes")
        for credit_notes_item_data in _credit_notes:
            credit_notes_item = CreditNote.from_dict(credit_notes_item_data)

            credit_notes.append(credit_notes_item)

        currency = d.pop("currency")

        def _parse_due_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                due_at_type_0 = datetime.datetime.fromisoformat(data)

                return due_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        due_at = _parse_due_at(d.pop("due_at"))

        def _parse_finalised_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                finalised_at_type_0 = datetime.datetime.fromisoformat(data)

                return finalised_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        finalised_at = _parse_finalised_at(d.pop("finalised_at"))

        id = d.pop("id")

        def _parse_issued_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                issued_at_type_0 = datetime.datetime.fromisoformat(data)

                return issued_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        issued_at = _parse_issued_at(d.pop("issued_at"))

        kind = d.pop("kind")

        lines = []
        _lines = d.pop("lines")
        for lines_item_data in _lines:
            lines_item = InvoiceLine.from_dict(lines_item_data)

            lines.append(lines_item)

        def _parse_next_payment_attempt_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                next_payment_attempt_at_type_0 = datetime.datetime.fromisoformat(data)

                return next_payment_attempt_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        next_payment_attempt_at = _parse_next_payment_attempt_at(
            d.pop("next_payment_attempt_at")
        )

        def _parse_number(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        number = _parse_number(d.pop("number"))

        object_ = check_invoice_object_enum(d.pop("object"))

        def _parse_paid_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                paid_at_type_0 = datetime.datetime.fromisoformat(data)

                return paid_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        paid_at = _parse_paid_at(d.pop("paid_at"))

        payment_attempts = d.pop("payment_attempts")

        period = d.pop("period")

        period_end = datetime.datetime.fromisoformat(d.pop("period_end"))

        period_start = datetime.datetime.fromisoformat(d.pop("period_start"))

        plan = d.pop("plan")

        status = check_invoice_status_enum(d.pop("status"))

        subtotal = d.pop("subtotal")

        total = d.pop("total")

        def _parse_voided_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                voided_at_type_0 = datetime.datetime.fromisoformat(data)

                return voided_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        voided_at = _parse_voided_at(d.pop("voided_at"))

        invoice = cls(
            amount_credited=amount_credited,
            amount_due=amount_due,
            amount_paid=amount_paid,
            calls_billable=calls_billable,
            calls_total=calls_total,
            created_at=created_at,
            credit_notes=credit_notes,
            currency=currency,
            due_at=due_at,
            finalised_at=finalised_at,
            id=id,
            issued_at=issued_at,
            kind=kind,
            lines=lines,
            next_payment_attempt_at=next_payment_attempt_at,
            number=number,
            object_=object_,
            paid_at=paid_at,
            payment_attempts=payment_attempts,
            period=period,
            period_end=period_end,
            period_start=period_start,
            plan=plan,
            status=status,
            subtotal=subtotal,
            total=total,
            voided_at=voided_at,
        )

        invoice.additional_properties = d
        return invoice

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
