from typing import Literal

InvoiceObjectEnum = Literal["invoice"]

INVOICE_OBJECT_ENUM_VALUES: set[InvoiceObjectEnum] = {
    "invoice",
}


def check_invoice_object_enum(value: str) -> InvoiceObjectEnum:
    if value in INVOICE_OBJECT_ENUM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {INVOICE_OBJECT_ENUM_VALUES!r}"
    )
