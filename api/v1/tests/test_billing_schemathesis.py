"""Property-based conformance of the billing operations of the published OpenAPI document
(harness: api/v1/tests/conformance.py): generated parameters and bodies, then a real invoice's
id; no 5xx, only documented statuses, content types and bodies."""

from datetime import timedelta

import pytest

from api.v1.tests.conformance import conformance_failures, failures_report
from billing.models import Invoice, InvoiceLine
from billing.selectors import period_bounds

PATH_PREFIXES = ("/v1/usage", "/v1/invoices", "/v1/billing/")
EXAMPLES_PER_OPERATION = 40


@pytest.fixture
def seeded(tenant):
    start, end = period_bounds(period_bounds()[0] - timedelta(days=1))
    invoice = Invoice.objects.create(
        organisation=tenant,
        period_start=start,
        period_end=end,
        status=Invoice.Status.OPEN,
        number="OC-TEST-SCHEMA",
        plan_code="pro",
        subtotal=4900,
        total=4900,
        amount_due=4900,
    )
    InvoiceLine.objects.create(
        invoice=invoice,
        kind=InvoiceLine.Kind.BASE_FEE,
        description="Pro plan",
        quantity=1,
        unit_amount=4900,
        amount=4900,
        period_start=start,
        period_end=end,
    )
    return {"invoice_id": invoice.public_id}


@pytest.mark.slow
def test_schemathesis_finds_nothing_in_billing(tenant, live_key, seeded):
    # when
    operations, failures = conformance_failures(
        tenant=tenant,
        live_key=live_key,
        path_prefixes=PATH_PREFIXES,
        existing_ids=seeded,
        examples=EXAMPLES_PER_OPERATION,
    )

    # then
    assert operations == 8
    assert not failures, failures_report(failures)
