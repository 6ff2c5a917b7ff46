"""The period close: one invoice per organisation and period from the ledger, numbered,
finalised and immutable; the period roll; void, payment and credit notes."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest

from billing.models import BillingAdjustment, CreditNote, Invoice, InvoiceLine, Subscription
from billing.selectors import invoice_as_dict, subscription_of
from billing.services import (
    InvoiceFinalisedError,
    InvoiceStateError,
    PeriodNotEndedError,
    billing_credit_grant,
    credit_note_issue,
    invoice_close_period,
    invoice_line_add,
    invoice_mark_paid,
    invoice_void,
    subscription_cancel,
    subscription_change_plan,
)
from billing.tests.support import (
    AFTER_NOV,
    DEC,
    JAN,
    NOV,
    event_types,
    ledger_add,
    subscription_in_period,
)
from core.errors import BusinessRuleError, DomainError

pytestmark = pytest.mark.django_db


def _lines(invoice):
    return [
        (line.kind, line.quantity, line.unit_amount, line.amount)
        for line in invoice.lines.order_by("position")
    ]


def test_it_bills_base_fee_included_calls_and_overage_from_the_ledger(tenant):
    # given: Pro, 150,000 billable live calls, and calls that are never billed
    subscription_in_period(tenant, plan="pro")
    ledger_add(tenant, 100_000)
    ledger_add(tenant, 50_000, minute=NOV + timedelta(days=29, hours=23, minutes=59))
    ledger_add(tenant, 700, mode="test")  # sandbox
    ledger_add(tenant, 30, status=503)  # 5xx: not billable
    ledger_add(tenant, 20, status=429)  # refused by the gateway
    ledger_add(tenant, 999, minute=DEC)  # December's
    ledger_add(tenant, 999, minute=NOV - timedelta(minutes=1))  # October's
    before = len(event_types(tenant))

    # when
    invoice = invoice_close_period(organisation=tenant, period_start=NOV, now=AFTER_NOV)

    # then
    assert _lines(invoice) == [
        ("base_fee", 1, Decimal(4900), 4900),
        ("included_calls", 100_000, Decimal(0), 0),
        ("overage", 50_000, Decimal("0.1"), 5000),
    ]
    assert (invoice.subtotal, invoice.total, invoice.amount_due) == (9900, 9900, 9900)
    assert (invoice.calls_billable, invoice.calls_total) == (150_000, 150_750)
    assert invoice.status == Invoice.Status.OPEN
    assert re.fullmatch(r"OC-2026-\d{6}", invoice.number)
    assert invoice.finalised_at == AFTER_NOV and invoice.due_at == AFTER_NOV + timedelta(days=14)
    assert (invoice.period_start, invoice.period_end) == (NOV, DEC)
    assert event_types(tenant)[before:] == ["billing.invoice.created", "billing.invoice.finalized"]
    rolled = subscription_of(tenant)
    assert (rolled.current_period_start, rolled.current_period_end) == (DEC, JAN)


def test_closing_a_period_twice_returns_the_same_invoice_and_changes_nothing(tenant):
    subscription_in_period(tenant, plan="pro")
    ledger_add(tenant, 120_000)
    first = invoice_close_period(organisation=tenant, period_start=NOV, now=AFTER_NOV)
    snapshot = invoice_as_dict(first)
    events = event_types(tenant)

    # when: a retry, later, after more (late) usage reached the ledger
    ledger_add(tenant, 5, minute=NOV + timedelta(days=10))
    second = invoice_close_period(
        organisation=tenant, period_start=NOV, now=AFTER_NOV + timedelta(days=2)
    )

    # then
    assert second.pk == first.pk
    assert invoice_as_dict(Invoice.objects.get(pk=first.pk)) == snapshot
    assert Invoice.objects.filter(organisation=tenant, period_start=NOV).count() == 1
    assert event_types(tenant) == events
    assert subscription_of(tenant).current_period_start == DEC  # rolled once


def test_a_period_that_has_not_ended_is_refused(tenant):
    subscription_in_period(tenant, plan="pro")
    with pytest.raises(PeriodNotEndedError) as refused:
        invoice_close_period(organisation=tenant, period_start=NOV, now=DEC - timedelta(seconds=1))
    assert refused.value.code == "period_not_ended"
    assert not Invoice.objects.filter(organisation=tenant).exists()
    assert subscription_of(tenant).current_period_start == NOV


def test_a_finalised_invoice_cannot_be_edited(tenant):
    subscription_in_period(tenant, plan="pro")
    invoice = invoice_close_period(organisation=tenant, period_start=NOV, now=AFTER_NOV)
    snapshot = invoice_as_dict(invoice)

    with pytest.raises(InvoiceFinalisedError) as refused:
        invoice_line_add(invoice=invoice, description="Extra", amount=100)

    assert refused.value.code == "invoice_finalised"
    assert invoice_as_dict(Invoice.objects.get(pk=invoice.pk)) == snapshot


def test_a_draft_takes_lines_until_it_is_finalised(tenant):
    from billing.services import invoice_finalise

    subscription_in_period(tenant, plan="pro")
    draft = invoice_close_period(
        organisation=tenant, period_start=NOV, now=AFTER_NOV, finalise=False
    )
    assert draft.status == Invoice.Status.DRAFT and draft.number is None
    invoice_line_add(invoice=draft, description="Onboarding", amount=1500)

    invoice = invoice_finalise(invoice=draft, now=AFTER_NOV)

    assert invoice.total == 4900 + 1500 and invoice.number
    with pytest.raises(InvoiceFinalisedError):
        invoice_line_add(invoice=invoice, description="Late", amount=1)


def test_numbers_are_sequential_across_organisations(tenant, other_tenant):
    subscription_in_period(tenant, plan="pro")
    subscription_in_period(other_tenant, plan="pro")
    first = invoice_close_period(organisation=tenant, period_start=NOV, now=AFTER_NOV)
    second = invoice_close_period(organisation=other_tenant, period_start=NOV, now=AFTER_NOV)
    assert int(second.number[-6:]) == int(first.number[-6:]) + 1


def test_a_scheduled_downgrade_takes_effect_at_the_close(tenant):
    subscription_in_period(tenant, plan="business")
    ledger_add(tenant, 400_000)
    change = subscription_change_plan(organisation=tenant, plan="pro", now=NOV + timedelta(days=9))
    assert change.kind == "downgrade" and change.effective_at == DEC
    assert "400,000" in change.notice and "100,000" in change.notice
    tenant.refresh_from_db()
    assert tenant.plan.code == "business"  # still, until the period's end

    invoice = invoice_close_period(organisation=tenant, period_start=NOV, now=AFTER_NOV)

    assert _lines(invoice) == [
        ("base_fee", 1, Decimal(49_900), 49_900),
        ("included_calls", 400_000, Decimal(0), 0),
    ]
    tenant.refresh_from_db()
    subscription = subscription_of(tenant)
    assert tenant.plan.code == "pro" and subscription.period_plan.code == "pro"
    assert subscription.scheduled_plan is None


def test_a_cancellation_takes_effect_at_the_close(tenant):
    subscription_in_period(tenant, plan="pro")
    subscription_cancel(organisation=tenant)
    before = len(event_types(tenant))

    invoice = invoice_close_period(organisation=tenant, period_start=NOV, now=AFTER_NOV)

    assert invoice.total == 4900
    tenant.refresh_from_db()
    subscription = subscription_of(tenant)
    assert tenant.plan.code == "free"
    assert subscription.status == Subscription.Status.CANCELLED
    assert subscription.cancelled_at == DEC
    assert "billing.subscription_cancelled" in event_types(tenant)[before:]


def test_closing_a_later_period_closes_the_earlier_ones_first(tenant):
    subscription_in_period(tenant, plan="pro")
    ledger_add(tenant, 10)
    ledger_add(tenant, 20, minute=DEC + timedelta(days=1))

    december = invoice_close_period(organisation=tenant, period_start=DEC, now=JAN)

    november = Invoice.objects.get(organisation=tenant, period_start=NOV)
    assert (november.calls_billable, december.calls_billable) == (10, 20)
    assert november.number < december.number
    assert subscription_of(tenant).current_period_start == JAN


def test_a_period_before_the_subscription_began_has_no_invoice(tenant):
    subscription_in_period(tenant, DEC, JAN, plan="pro")
    assert invoice_close_period(organisation=tenant, period_start=NOV, now=AFTER_NOV) is None
    assert not Invoice.objects.filter(organisation=tenant).exists()


def test_a_zero_invoice_is_paid_at_once(tenant):
    subscription_in_period(tenant, plan="free")
    ledger_add(tenant, 800)
    before = len(event_types(tenant))

    invoice = invoice_close_period(organisation=tenant, period_start=NOV, now=AFTER_NOV)

    assert invoice.total == 0 and invoice.status == Invoice.Status.PAID
    assert _lines(invoice) == [("included_calls", 800, Decimal(0), 0)]
    assert event_types(tenant)[before:] == [
        "billing.invoice.created",
        "billing.invoice.finalized",
        "billing.invoice.paid",
    ]


def test_calls_past_a_hard_cap_are_not_billed_without_pay_as_you_go(tenant):
    subscription_in_period(tenant, plan="free")
    ledger_add(tenant, 1_003)
    invoice = invoice_close_period(organisation=tenant, period_start=NOV, now=AFTER_NOV)
    assert _lines(invoice)[-1] == ("overage", 3, Decimal(0), 0)
    assert invoice.total == 0


def test_pay_as_you_go_bills_free_overage(tenant):
    subscription_in_period(tenant, plan="free", has_payment_method=True, pay_as_you_go=True)
    ledger_add(tenant, 1_000 + 12_345)
    invoice = invoice_close_period(organisation=tenant, period_start=NOV, now=AFTER_NOV)
    # 12,345 × 0.1 = 1,234.5 → 1,235 (half up, once)
    assert _lines(invoice)[-1] == ("overage", 12_345, Decimal("0.1"), 1235)
    assert invoice.total == 1235


def test_first_period_base_fee_is_prorated_from_the_start(tenant):
    subscription_in_period(tenant, plan="pro", started_at=NOV + timedelta(days=15))
    invoice = invoice_close_period(organisation=tenant, period_start=NOV, now=AFTER_NOV)
    # 4,900 × 15/30 = 2,450
    assert _lines(invoice)[0] == ("base_fee", 1, Decimal(2450), 2450)


def test_credits_larger_than_the_charges_carry_over(tenant):
    subscription_in_period(tenant, plan="pro")
    billing_credit_grant(organisation=tenant, amount=6000, description="Goodwill")

    invoice = invoice_close_period(organisation=tenant, period_start=NOV, now=AFTER_NOV)

    assert (invoice.subtotal, invoice.total, invoice.status) == (-1100, 0, Invoice.Status.PAID)
    carried = BillingAdjustment.objects.get(organisation=tenant, period_start=DEC)
    assert carried.amount == -1100 and carried.invoice is None
    december = invoice_close_period(organisation=tenant, period_start=DEC, now=JAN)
    assert december.total == 4900 - 1100


def test_void_an_open_invoice_but_not_a_paid_one(tenant):
    subscription_in_period(tenant, plan="pro")
    invoice = invoice_close_period(organisation=tenant, period_start=NOV, now=AFTER_NOV)
    before = len(event_types(tenant))

    voided = invoice_void(invoice=invoice, reason="test", actor="ops@example.com")

    assert voided.status == Invoice.Status.VOID and voided.voided_at is not None
    assert event_types(tenant)[before:] == ["billing.invoice.voided"]
    assert _lines(voided) == _lines(invoice)  # the lines stay as they were
    with pytest.raises(DomainError) as refused:  # dunning's or the fallback's refusal
        invoice_mark_paid(invoice=voided)
    assert refused.value.code in ("invoice_not_payable", "invalid_invoice_state")
    assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.VOID


def test_mark_paid_then_voiding_is_refused(tenant):
    subscription_in_period(tenant, plan="pro")
    invoice = invoice_close_period(organisation=tenant, period_start=NOV, now=AFTER_NOV)
    before = len(event_types(tenant))

    paid = invoice_mark_paid(invoice=invoice, reference="bank transfer 42", actor="ops")

    assert paid.status == Invoice.Status.PAID and paid.amount_paid == 4900
    assert paid.payment_reference == "bank transfer 42"
    assert "billing.invoice.paid" in event_types(tenant)[before:]
    again = invoice_mark_paid(invoice=paid)  # idempotent
    assert again.paid_at == paid.paid_at
    with pytest.raises(InvoiceStateError):
        invoice_void(invoice=paid)
    assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.PAID


def test_credit_notes_correct_a_finalised_invoice(tenant):
    subscription_in_period(tenant, plan="pro")
    ledger_add(tenant, 110_000)
    invoice = invoice_close_period(organisation=tenant, period_start=NOV, now=AFTER_NOV)
    assert invoice.total == 5900
    before = len(event_types(tenant))

    note = credit_note_issue(invoice=invoice, amount=1000, reason="Outage on the 3rd")

    assert re.fullmatch(r"OC-CN-\d{4}-\d{6}", note.number)
    invoice.refresh_from_db()
    assert (invoice.total, invoice.amount_credited, invoice.amount_due) == (5900, 1000, 4900)
    assert invoice.status == Invoice.Status.OPEN
    assert event_types(tenant)[before:] == ["billing.credit_note.created"]
    assert InvoiceLine.objects.filter(invoice=invoice).count() == 3  # lines untouched

    # crediting the rest settles it
    credit_note_issue(invoice=invoice, amount=4900, reason="Waived")
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID and invoice.amount_due == 0


@pytest.mark.parametrize(
    ("amount", "reason", "code"),
    [
        (0, "x", "invalid_credit_amount"),
        (-5, "x", "invalid_credit_amount"),
        (1.5, "x", "invalid_credit_amount"),
        (True, "x", "invalid_credit_amount"),
        (4901, "x", "credit_exceeds_invoice"),
        (100, "  ", "reason_required"),
    ],
)
def test_bad_credit_notes_are_refused(tenant, amount, reason, code):
    subscription_in_period(tenant, plan="pro")
    invoice = invoice_close_period(organisation=tenant, period_start=NOV, now=AFTER_NOV)
    snapshot = invoice_as_dict(invoice)

    with pytest.raises(BusinessRuleError) as refused:
        credit_note_issue(invoice=invoice, amount=amount, reason=reason)

    assert refused.value.code == code
    assert not CreditNote.objects.filter(invoice=invoice).exists()
    assert invoice_as_dict(Invoice.objects.get(pk=invoice.pk)) == snapshot


def test_credit_notes_refuse_drafts(tenant):
    subscription_in_period(tenant, plan="pro")
    draft = invoice_close_period(
        organisation=tenant, period_start=NOV, now=AFTER_NOV, finalise=False
    )
    with pytest.raises(InvoiceStateError):
        credit_note_issue(invoice=draft, amount=100, reason="x")


def test_the_beat_close_waits_for_the_usage_flush(tenant):
    from django_redis import get_redis_connection

    from billing.services import invoices_close_due
    from metering.models import UsageFlushCursor
    from metering.records import USAGE_STREAM

    # given: November is due, but a call made on November 30th is still in the stream
    subscription_in_period(tenant, plan="pro")
    redis = get_redis_connection("default")
    redis.delete(USAGE_STREAM)
    UsageFlushCursor.objects.update_or_create(stream=USAGE_STREAM, defaults={"last_id": "0-0"})
    late_ms = int((DEC - timedelta(minutes=1)).timestamp() * 1000)
    redis.xadd(USAGE_STREAM, {"v": "1"}, id=f"{late_ms}-0")
    try:
        # when
        waiting = invoices_close_due(now=AFTER_NOV, grace_seconds=60)

        # then: nothing closed, and why
        assert waiting.closed == [] and "not flushed yet" in waiting.skipped_reason
        assert not Invoice.objects.filter(organisation=tenant).exists()
        assert subscription_of(tenant).current_period_start == NOV
    finally:
        redis.delete(USAGE_STREAM)

    # once the flush caught up, the same run closes the period
    closed = invoices_close_due(now=AFTER_NOV, grace_seconds=60)
    invoice = Invoice.objects.get(organisation=tenant, period_start=NOV)
    assert closed.closed == [invoice.public_id]


def test_the_beat_close_waits_for_the_grace_period(tenant):
    from billing.services import invoices_close_due

    subscription_in_period(tenant, plan="pro")
    early = invoices_close_due(now=DEC + timedelta(minutes=5), grace_seconds=600)
    assert early.closed == [] and not Invoice.objects.filter(organisation=tenant).exists()
    later = invoices_close_due(now=DEC + timedelta(minutes=11), grace_seconds=600)
    assert len(later.closed) == 1
