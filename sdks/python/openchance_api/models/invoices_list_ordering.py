from typing import Literal

InvoicesListOrdering = Literal["-period_start", "period_start"]

INVOICES_LIST_ORDERING_VALUES: set[InvoicesListOrdering] = {
    "-period_start",
    "period_start",
}


def check_invoices_list_ordering(value: str) -> InvoicesListOrdering:
    if value in INVOICES_LIST_ORDERING_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {INVOICES_LIST_ORDERING_VALUES!r}"
    )
