from typing import Literal

InvoiceStatusEnum = Literal["draft", "open", "paid", "uncollectible", "void"]

INVOICE_STATUS_ENUM_VALUES: set[InvoiceStatusEnum] = {
    "draft",
    "open",
    "paid",
    "uncollectible",
    "void",
}


def check_invoice_status_enum(value: str) -> InvoiceStatusEnum:
    if value in INVOICE_STATUS_ENUM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {INVOICE_STATUS_ENUM_VALUES!r}"
    )
