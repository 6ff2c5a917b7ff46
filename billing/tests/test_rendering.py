"""Invoices as HTML and as a real PDF (read back with pypdf)."""

from decimal import Decimal
from io import BytesIO

import pytest
from pypdf import PdfReader

from billing.rendering import invoice_html, invoice_pdf, money, unit_price
from billing.services import credit_note_issue, invoice_close_period
from billing.tests.support import AFTER_NOV, NOV, ledger_add, subscription_in_period

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoice(tenant):
    subscription_in_period(tenant, plan="pro")
    ledger_add(tenant, 150_000)
    invoice = invoice_close_period(organisation=tenant, period_start=NOV, now=AFTER_NOV)
    credit_note_issue(invoice=invoice, amount=500, reason="Outage credit")
    invoice.refresh_from_db()
    return invoice


def test_money_and_unit_prices_read_as_people_write_them():
    assert money(9900, "usd") == "$99.00"
    assert money(-1100, "usd") == "-$11.00"
    assert money(123456789, "chf") == "1,234,567.89 CHF"
    assert unit_price(Decimal("0.1"), "usd") == "$0.001"
    assert unit_price(Decimal("4900"), "usd") == "$49.00"


def test_the_html_is_a_whole_invoice(invoice, tenant):
    html = invoice_html(invoice)
    assert invoice.number in html
    assert "OpenChance API Platform" in html  # seller
    assert tenant.name in html and tenant.slug in html  # customer
    assert "2026-11-01 – 2026-11-30 (UTC)" in html  # period
    assert "Calls past the included 100,000" in html and "50,000" in html and "$0.001" in html
    assert "$49.00" in html and "$99.00" in html  # base fee, total
    assert "Outage credit" in html and "$94.00" in html  # credit note, amount due
    assert "Open" in html


def test_the_pdf_is_a_real_pdf_with_number_and_total(invoice, tenant):
    data = invoice_pdf(invoice)

    assert data.startswith(b"%PDF-")
    reader = PdfReader(BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert invoice.number in text
    assert "$99.00" in text  # the total
    assert "$94.00" in text  # due after the credit note
    assert tenant.name in text
    assert "Calls past the included 100,000" in text
    assert reader.metadata.title == f"Invoice {invoice.number}"


def test_a_draft_says_so(tenant):
    subscription_in_period(tenant, plan="pro")
    draft = invoice_close_period(
        organisation=tenant, period_start=NOV, now=AFTER_NOV, finalise=False
    )
    assert "DRAFT INVOICE" in invoice_html(draft)
    text = PdfReader(BytesIO(invoice_pdf(draft))).pages[0].extract_text()
    assert "DRAFT INVOICE" in text and draft.public_id in text
