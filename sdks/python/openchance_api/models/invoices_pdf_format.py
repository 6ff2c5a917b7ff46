from typing import Literal

InvoicesPdfFormat = Literal["html", "pdf"]

INVOICES_PDF_FORMAT_VALUES: set[InvoicesPdfFormat] = {
    "html",
    "pdf",
}


def check_invoices_pdf_format(value: str) -> InvoicesPdfFormat:
    if value in INVOICES_PDF_FORMAT_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {INVOICES_PDF_FORMAT_VALUES!r}"
    )
