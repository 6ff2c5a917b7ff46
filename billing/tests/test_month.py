"""A month simulated end to end with the manual provider: usage through the month, the estimate
and alerts on the way, an upgrade mid-month, the close by the beat's service, lines checked to
the cent, the operator's payment, and a downgrade that takes effect at the next close."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail

from billing.models import Invoice, Subscription
from billing.selectors import subscription_of, usage_cost_estimate
from billing.services import (
    billing_alerts_check,
    invoice_close_period,
    invoice_mark_paid,
    invoices_close_due,
    subscription_change_plan,
)
from billing.tests.support import DEC, JAN, NOV, event_types, ledger_add, subscription_in_period

pytestmark = pytest.mark.django_db


def test_a_month_of_billing(tenant, django_capture_on_commit_callbacks):
    # given: Pro from November 1st, manual provider
    subscription = subscription_in_period(tenant, plan="pro")
    assert subscription.provider == Subscription.Provider.MANUAL
    before = len(event_types(tenant))

    # 1st–10th: 4,000 live calls a day, sandbox and failed calls besides
    for day in range(10):
        ledger_add(tenant, 4_000, minute=NOV + timedelta(days=day, hours=9))
    ledger_add(tenant, 5_000, minute=NOV + timedelta(days=3), mode="test")
    ledger_add(tenant, 77, minute=NOV + timedelta(days=4), status=500)

    # the estimate on the 10th at 09:00: 40,000 calls in 9.375 days → 128,000 by the 30th
    estimate = usage_cost_estimate(tenant, now=NOV + timedelta(days=9, hours=9))
    assert (estimate["calls_so_far"], estimate["cost_so_far"]) == (40_000, 4900)
    assert estimate["projected_calls"] == 128_000
    assert estimate["projected_cost"] == 4900 + 2800  # 28,000 past the included at $0.001
    on_plans = {p["plan"]: p for p in estimate["plans"]}
    assert on_plans["business"]["projected_cost"] == 49_900
    assert on_plans["free"]["projected_calls_refused"] == 127_000

    # 11th–15th: 4,000 a day more
    for day in range(10, 15):
        ledger_add(tenant, 4_000, minute=NOV + timedelta(days=day, hours=9))

    # half the included calls → one alert
    with django_capture_on_commit_callbacks(execute=True):
        alerts = billing_alerts_check(organisation=tenant, now=NOV + timedelta(days=15))
    assert [a.threshold for a in alerts] == ["included:50"] and len(mail.outbox) == 1

    # when: the upgrade on the 16th at 00:00 (15 of 30 days left), then heavy use
    change = subscription_change_plan(
        organisation=tenant, plan="business", now=NOV + timedelta(days=15)
    )
    assert change.proration.amount == 22_500  # (49,900 − 4,900) × 15/30
    for day in range(15, 30):
        ledger_add(tenant, 69_000, minute=NOV + timedelta(days=day, hours=9))
    ledger_add(tenant, 5_000, minute=NOV + timedelta(days=29, hours=23, minutes=59))

    # the beat's close, ten minutes after the month ended, with a grace of five
    with django_capture_on_commit_callbacks(execute=True):
        summary = invoices_close_due(now=DEC + timedelta(minutes=10), grace_seconds=300)

    # then: one invoice, to the cent
    invoice = Invoice.objects.get(organisation=tenant, period_start=NOV)
    assert summary.closed == [invoice.public_id] and summary.skipped_reason == ""
    lines = [
        (line.kind, line.quantity, line.unit_amount, line.amount)
        for line in invoice.lines.order_by("position")
    ]
    assert lines == [
        ("base_fee", 1, Decimal(4900), 4900),  # the plan the month began on
        ("included_calls", 1_000_000, Decimal(0), 0),  # Business's allowance at the close
        ("overage", 100_000, Decimal("0.1"), 10_000),  # 1,100,000 − 1,000,000 at $0.001
        ("proration", 1, Decimal(22_500), 22_500),
    ]
    assert (invoice.total, invoice.amount_due, invoice.calls_billable) == (
        37_400,
        37_400,
        1_100_000,
    )
    assert invoice.status == Invoice.Status.OPEN and invoice.plan_code == "business"

    # the manual provider collects nothing: an operator marks it paid
    paid = invoice_mark_paid(invoice=invoice, reference="wire 2026-12-03", actor="ops")
    assert paid.status == Invoice.Status.PAID and paid.amount_paid == 37_400
    assert event_types(tenant)[before:] == [
        "billing.usage_threshold_reached",
        "billing.subscription_updated",
        "billing.invoice.created",
        "billing.invoice.finalized",
        "billing.invoice.paid",
    ]

    # a second beat run changes nothing
    again = invoices_close_due(now=DEC + timedelta(minutes=20), grace_seconds=300)
    assert again.closed == [] and Invoice.objects.filter(organisation=tenant).count() == 1

    # December: back to Pro, effective at December's end; December bills Business
    subscription_change_plan(organisation=tenant, plan="pro", now=DEC + timedelta(days=2))
    ledger_add(tenant, 10, minute=DEC + timedelta(days=1))
    december = invoice_close_period(organisation=tenant, period_start=DEC, now=JAN)
    assert [line.amount for line in december.lines.order_by("position")] == [49_900, 0]
    tenant.refresh_from_db()
    assert tenant.plan.code == "pro" and subscription_of(tenant).current_period_start == JAN
