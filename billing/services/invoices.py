"""Writes of invoices: the period close, finalisation, payment, voiding and credit notes.

**Exactly one invoice per organisation and period.** ``invoice_close_period`` runs in one
transaction holding the subscription's row lock (``subscription_lock``): it looks for the
period's invoice and returns it if it exists; otherwise it rates the period from the ledger,
writes the invoice and its lines, takes the period's pending adjustments, rolls the subscription
to the next period (applying a scheduled downgrade or cancellation) and finalises the invoice. A
unique constraint (organisation, period_start, kind) backs the lock. So:

- a retry (the beat task again, the command run twice) finds the invoice and returns it;
- concurrent closers queue on the lock; the second finds the first's invoice;
- a worker killed mid-close rolled back everything of that close (one transaction), and the
  next run does it whole.

**Numbers** are ``OC-<year>-<6 digits>``, sequential per year of issue, taken at finalisation from
``InvoiceNumberSequence`` with one ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` (the row stays
locked until the close commits), so numbers are never shared and never skipped by a rollback.
Credit notes have their own series, ``OC-CN-<year>-<6 digits>``.

**Amounts** follow Stripe's meaning: ``total`` is what the lines add up to (never below 0),
``amount_due`` what is owed for it (the total less credit notes issued before payment),
``amount_paid`` what was paid (``amount_due`` once paid), ``amount_credited`` the credit notes'
sum (on a paid invoice, owed back to the customer).

**Immutable once finalised.** A finalised invoice's lines, amounts, period and customer never
change; only its payment state does (paid, voided, uncollectible, attempts, credited). Every
service here refuses to change a finalised invoice otherwise (409 ``invoice_finalised``);
corrections are credit notes (``credit_note_issue``).

**Negative totals** (credits larger than the charges) are not invoiced: the invoice's total is 0
and the rest is carried to the next period as a ``credit`` adjustment.
"""

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import prefetch_related_objects

from billing.models import (
    BillingAdjustment,
    CreditNote,
    Invoice,
    InvoiceLine,
    InvoiceNumberSequence,
    Subscription,
)
from billing.providers import ManualProvider, payment_provider
from billing.rating import AdjustmentInput, period_rate
from billing.selectors import (
    invoice_as_dict,
    period_bounds,
    period_calls,
    period_label,
    plan_bills_overage,
    plan_of,
)
from billing.services._common import billing_event_emit
from billing.services.subscriptions import subscription_lock, subscription_period_roll
from core.errors import BusinessRuleError, ConflictError
from core.invalidation import caches_invalidate

logger = logging.getLogger(__name__)

INVOICE_DUE_DAYS_DEFAULT = 14


class InvoiceFinalisedError(ConflictError):
    code = "invoice_finalised"
    title = "Invoice finalised"


class InvoiceStateError(ConflictError):
    code = "invalid_invoice_state"
    title = "Invalid invoice state"


def _number_take(series: str) -> int:
    """The next value of a number series; the counter row stays locked until commit."""
    table = InvoiceNumberSequence._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} AS s (series, last_value) VALUES (%s, 1) "  # noqa: S608 - our table
            "ON CONFLICT (series) DO UPDATE SET last_value = s.last_value + 1 "
            "RETURNING last_value",
            [series],
        )
        return cursor.fetchone()[0]


def invoice_number_take(*, at: datetime) -> str:
    return f"OC-{at.year}-{_number_take(f'invoice:{at.year}'):06d}"


def credit_note_number_take(*, at: datetime) -> str:
    return f"OC-CN-{at.year}-{_number_take(f'credit_note:{at.year}'):06d}"


def _invoice_lock(invoice: Invoice) -> Invoice:
    return Invoice.objects.select_for_update().get(pk=invoice.pk)


def _emit(invoice: Invoice, event_type: str) -> None:
    billing_event_emit(
        organisation=invoice.organisation, type=event_type, data=invoice_as_dict(invoice)
    )


def _rate_and_write(*, subscription: Subscription, now: datetime) -> Invoice:
    """Rate the subscription's current period and write its draft invoice (lock held)."""
    organisation = subscription.organisation
    start, end = subscription.current_period_start, subscription.current_period_end
    plan = plan_of(organisation)
    base_plan = subscription.period_plan or plan
    calls = period_calls(organisation_id=organisation.pk, start=start, end=end)
    pending = list(
        BillingAdjustment.objects.select_for_update()
        .filter(organisation_id=organisation.pk, period_start=start, invoice__isnull=True)
        .order_by("created_at", "id")
    )
    rated = period_rate(
        plan=plan,
        base_plan=base_plan,
        period_start=start,
        period_end=end,
        billable_calls=calls.billable,
        bills_overage=plan_bills_overage(plan, subscription),
        adjustments=[
            AdjustmentInput(
                kind=a.kind,
                description=a.description,
                quantity=a.quantity,
                unit_amount=a.unit_amount,
                amount=a.amount,
            )
            for a in pending
        ],
        trial_end=subscription.trial_end,
        started_at=subscription.started_at,
    )
    total = max(rated.subtotal, 0)
    invoice = Invoice.objects.create(
        organisation=organisation,
        kind=Invoice.Kind.PERIOD,
        status=Invoice.Status.DRAFT,
        plan=plan,
        plan_code=plan.code,
        period_start=start,
        period_end=end,
        currency=plan.currency,
        subtotal=rated.subtotal,
        total=total,
        amount_due=total,
        calls_total=calls.total,
        calls_billable=calls.billable,
        customer_name=organisation.name,
        customer_slug=organisation.slug,
    )
    InvoiceLine.objects.bulk_create(
        InvoiceLine(
            invoice=invoice,
            position=position,
            kind=line.kind,
            description=line.description,
            quantity=line.quantity,
            unit_amount=line.unit_amount,
            amount=line.amount,
            period_start=line.period_start,
            period_end=line.period_end,
        )
        for position, line in enumerate(rated.lines)
    )
    if pending:
        BillingAdjustment.objects.filter(pk__in=[a.pk for a in pending]).update(invoice=invoice)
    if rated.subtotal < 0:
        BillingAdjustment.objects.create(
            organisation=organisation,
            period_start=end,
            kind=BillingAdjustment.Kind.CREDIT,
            description=f"Credit carried over from {period_label(start)}",
            quantity=1,
            unit_amount=Decimal(rated.subtotal),
            amount=rated.subtotal,
            created_by="billing",
        )
    # Loaded once for every event of this close (created, finalized, paid render the lines).
    prefetch_related_objects([invoice], "lines", "credit_notes")
    _emit(invoice, "billing.invoice.created")
    return invoice


def _finalise_locked(invoice: Invoice, *, now: datetime, subscription: Subscription) -> Invoice:
    if invoice.is_finalised:
        raise InvoiceFinalisedError(f"Invoice {invoice} is finalised already.")
    if invoice.status != Invoice.Status.DRAFT:
        raise InvoiceStateError(f"Invoice {invoice} is {invoice.status}, not a draft.")
    due_days = getattr(settings, "BILLING_INVOICE_DUE_DAYS", INVOICE_DUE_DAYS_DEFAULT)
    invoice.number = invoice_number_take(at=now)
    invoice.finalised_at = invoice.issued_at = now
    invoice.due_at = now + timedelta(days=due_days)
    invoice.status = Invoice.Status.OPEN
    if invoice.amount_due == 0:
        invoice.status = Invoice.Status.PAID
        invoice.paid_at = now
    invoice.save()
    _emit(invoice, "billing.invoice.finalized")
    if invoice.status == Invoice.Status.PAID:
        _emit(invoice, "billing.invoice.paid")
    else:
        provider = payment_provider(subscription)
        if isinstance(provider, ManualProvider):
            return invoice  # nothing to collect: an operator marks it paid
        invoice_id = invoice.pk
        transaction.on_commit(
            lambda: _collect(provider=provider, invoice_id=invoice_id), robust=True
        )
    return invoice


def _collect(*, provider, invoice_id: int) -> None:
    invoice = Invoice.objects.select_related("organisation").get(pk=invoice_id)
    provider.invoice_collect(invoice=invoice)


def invoice_finalise(*, invoice: Invoice, now: datetime | None = None) -> Invoice:
    """Finalise a draft: number it, make it immutable, hand it to the payment provider."""
    now = now or datetime.now(UTC)
    with transaction.atomic():
        subscription = subscription_lock(invoice.organisation)
        invoice = _invoice_lock(invoice)
        return _finalise_locked(invoice, now=now, subscription=subscription)


class PeriodNotEndedError(ConflictError):
    code = "period_not_ended"
    title = "Period not ended"


def invoice_close_period(
    *,
    organisation,
    period_start: datetime,
    now: datetime | None = None,
    finalise: bool = True,
) -> Invoice | None:
    """The organisation's invoice for the period containing ``period_start``, made if it does
    not exist yet (see module: exactly once). Earlier periods the subscription has not closed
    yet are closed first, in order. Returns None for a period before the subscription began.
    Refuses a period that has not ended (409 ``period_not_ended``)."""
    now = now or datetime.now(UTC)
    period_start, period_end = period_bounds(period_start)
    if period_end > now:
        raise PeriodNotEndedError(
            f"The period {period_label(period_start)} ends at {period_end:%Y-%m-%d %H:%M} UTC."
        )
    with transaction.atomic():
        subscription = subscription_lock(organisation)
        existing = (
            Invoice.objects.filter(
                organisation_id=subscription.organisation_id,
                period_start=period_start,
                kind=Invoice.Kind.PERIOD,
            )
            .select_related("organisation")
            .first()
        )
        if existing is not None:
            return existing
        if subscription.current_period_start > period_start:
            return None  # the subscription began after this period
        invoice = None
        while subscription.current_period_start <= period_start:
            invoice = _rate_and_write(subscription=subscription, now=now)
            subscription_period_roll(subscription=subscription, now=now)
            if finalise:
                invoice = _finalise_locked(invoice, now=now, subscription=subscription)
        return invoice


@dataclass
class CloseSummary:
    closed: list[str] = field(default_factory=list)  # invoice public ids made by this run
    skipped_reason: str = ""
    failed: list[str] = field(default_factory=list)  # organisation slugs


def invoices_close_due(
    *, now: datetime | None = None, grace_seconds: float | None = None
) -> CloseSummary:
    """Close every subscription period that ended at least ``grace_seconds`` ago
    (``BILLING_CLOSE_GRACE_SECONDS``, 10 minutes) — what the beat task runs. Waits (closes
    nothing, says why) while the usage flush has not folded every call of the period: the
    oldest unflushed stream entry must be newer than the period's end. One organisation's
    failure is logged and the others still close (the next run retries it)."""
    from billing.selectors import usage_flush_caught_up

    now = now or datetime.now(UTC)
    if grace_seconds is None:
        grace_seconds = getattr(settings, "BILLING_CLOSE_GRACE_SECONDS", 600)
    due_before = now - timedelta(seconds=grace_seconds)
    summary = CloseSummary()
    due = (
        Subscription.objects.filter(current_period_end__lte=due_before)
        .select_related("organisation")
        .order_by("current_period_end", "id")
    )
    period_ends = sorted(set(due.values_list("current_period_end", flat=True)))
    if not period_ends:
        return summary
    caught_up, reason = usage_flush_caught_up(until=period_ends[-1])
    if not caught_up:
        summary.skipped_reason = reason
        logger.warning("billing close waits for the usage flush: %s", reason)
        return summary
    latest_start, latest_end = period_bounds(due_before - timedelta(microseconds=1))
    if latest_end > due_before:  # the period containing due_before is not due yet
        latest_start, _ = period_bounds(latest_start - timedelta(microseconds=1))
    for subscription in due.iterator():
        organisation = subscription.organisation
        try:
            invoice = invoice_close_period(
                organisation=organisation, period_start=latest_start, now=now
            )
        except Exception:
            logger.exception("closing the billing period of %s failed", organisation.slug)
            summary.failed.append(organisation.slug)
            continue
        if invoice is not None and invoice.finalised_at == now:
            summary.closed.append(invoice.public_id)
    return summary


def invoice_payment_record(
    *, invoice: Invoice, paid_at: datetime | None = None, reference: str = ""
) -> Invoice:
    """Record that an invoice's amount due was paid (idempotent: a paid invoice is returned
    unchanged, no second event). Refuses a void invoice (``invalid_invoice_state``). Emits
    ``billing.invoice.paid``. Call inside the caller's transaction or alone."""
    paid_at = paid_at or datetime.now(UTC)
    with transaction.atomic():
        invoice = _invoice_lock(invoice)
        if invoice.status == Invoice.Status.PAID:
            return invoice
        if invoice.status not in (Invoice.Status.OPEN, Invoice.Status.UNCOLLECTIBLE):
            raise InvoiceStateError(
                f"Invoice {invoice} is {invoice.status}: only open or uncollectible invoices "
                "can be paid."
            )
        invoice.amount_paid = invoice.amount_due
        invoice.status = Invoice.Status.PAID
        invoice.paid_at = paid_at
        invoice.next_payment_attempt_at = None
        if reference:
            invoice.payment_reference = reference[:255]
        invoice.save()
        _emit(invoice, "billing.invoice.paid")
    return invoice


def _subscription_restore_if_settled(organisation) -> None:
    """Fallback for the manual provider while dunning (billing.services.dunning) is absent: a
    subscription with no open invoice left is in good standing again."""
    with transaction.atomic():
        subscription = subscription_lock(organisation)
        if Invoice.objects.filter(
            organisation_id=subscription.organisation_id, status=Invoice.Status.OPEN
        ).exists():
            return
        if subscription.status in (Subscription.Status.PAST_DUE, Subscription.Status.UNPAID):
            subscription.status = Subscription.Status.ACTIVE
        was_restricted = subscription.restricted_at is not None
        subscription.past_due_since = None
        subscription.restricted_at = None
        subscription.save()
        if was_restricted:
            caches_invalidate("plan")


def invoice_mark_paid(
    *, invoice: Invoice, reference: str = "", paid_at: datetime | None = None, actor: str = ""
) -> Invoice:
    """An operator records a payment received outside the platform (manual provider: a bank
    transfer). Goes through dunning's ``invoice_payment_succeeded`` when it is installed, so a
    restricted tenant is restored at once; otherwise records the payment and restores the
    subscription here."""
    reference = reference or (f"marked paid by {actor}" if actor else "marked paid")
    try:
        from billing.services.dunning import invoice_payment_succeeded
    except ImportError:
        invoice_payment_succeeded = None
    if invoice_payment_succeeded is not None:
        return invoice_payment_succeeded(invoice=invoice, paid_at=paid_at, reference=reference)
    invoice = invoice_payment_record(invoice=invoice, paid_at=paid_at, reference=reference)
    _subscription_restore_if_settled(invoice.organisation)
    return invoice


def invoice_void(*, invoice: Invoice, reason: str = "", actor: str = "") -> Invoice:
    """Void a draft or open invoice: nothing is due any more. A paid invoice is corrected with a
    credit note instead (409 ``invalid_invoice_state``). Emits ``billing.invoice.voided``."""
    with transaction.atomic():
        invoice = _invoice_lock(invoice)
        if invoice.status not in (Invoice.Status.DRAFT, Invoice.Status.OPEN):
            raise InvoiceStateError(
                f"Invoice {invoice} is {invoice.status}; only draft and open invoices can be "
                "voided (correct a paid invoice with a credit note)."
            )
        invoice.status = Invoice.Status.VOID
        invoice.voided_at = datetime.now(UTC)
        invoice.next_payment_attempt_at = None
        invoice.save()
        _emit(invoice, "billing.invoice.voided")
        provider = payment_provider(getattr(invoice.organisation, "subscription", None))
        voider = getattr(provider, "invoice_void", None)
        if voider is not None:
            invoice_id = invoice.pk
            transaction.on_commit(
                lambda: voider(invoice=Invoice.objects.get(pk=invoice_id)), robust=True
            )
    logger.info("invoice %s voided by %s: %s", invoice, actor or "?", reason)
    _subscription_restore_if_settled(invoice.organisation)
    return invoice


def credit_note_issue(
    *, invoice: Invoice, amount: int, reason: str, actor: str = "", now: datetime | None = None
) -> CreditNote:
    """Correct a finalised invoice by ``amount`` minor units: lowers what is due (an open invoice
    credited in full is settled), or records what is owed back on a paid one. Refuses drafts
    (edit them instead), void invoices, non-integer or non-positive amounts, amounts past what is
    left to credit and an empty reason. Emits ``billing.credit_note.created``."""
    now = now or datetime.now(UTC)
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise BusinessRuleError(
            "A credit note's amount must be a positive whole number of minor units.",
            code="invalid_credit_amount",
            field="amount",
        )
    reason = (reason or "").strip()
    if not reason:
        raise BusinessRuleError(
            "Say why the invoice is credited.", code="reason_required", field="reason"
        )
    with transaction.atomic():
        invoice = _invoice_lock(invoice)
        if not invoice.is_finalised or invoice.status == Invoice.Status.VOID:
            raise InvoiceStateError(
                f"Invoice {invoice} is {invoice.status}: only finalised, not void, invoices "
                "take credit notes."
            )
        creditable = invoice.total - invoice.amount_credited
        if amount > creditable:
            raise BusinessRuleError(
                f"At most {creditable} minor units are left to credit on {invoice}.",
                code="credit_exceeds_invoice",
                field="amount",
            )
        note = CreditNote.objects.create(
            number=credit_note_number_take(at=now),
            invoice=invoice,
            organisation_id=invoice.organisation_id,
            amount=amount,
            currency=invoice.currency,
            reason=reason[:500],
            created_by=actor,
        )
        invoice.amount_credited += amount
        if invoice.status != Invoice.Status.PAID:  # a paid invoice's credit is owed back
            invoice.amount_due = max(0, invoice.amount_due - amount)
        if invoice.status == Invoice.Status.OPEN and invoice.amount_due <= invoice.amount_paid:
            invoice.status = Invoice.Status.PAID
            invoice.paid_at = now
        invoice.save()
        billing_event_emit(
            organisation=invoice.organisation,
            type="billing.credit_note.created",
            data={
                "id": note.public_id,
                "object": "credit_note",
                "number": note.number,
                "invoice": invoice.public_id,
                "amount": note.amount,
                "currency": note.currency,
                "reason": note.reason,
                "created_at": note.created_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
            },
        )
        if invoice.status == Invoice.Status.PAID and invoice.paid_at == now:
            _emit(invoice, "billing.invoice.paid")
    return note


def invoice_line_add(
    *, invoice: Invoice, description: str, amount: int, kind: str = "adjustment"
) -> InvoiceLine:
    """Add a line to a DRAFT invoice (operators, before finalising). A finalised invoice is
    refused (409 ``invoice_finalised``): correct it with a credit note."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise BusinessRuleError(
            "amount must be a whole number of minor units.", code="amount_not_integer"
        )
    with transaction.atomic():
        invoice = _invoice_lock(invoice)
        if invoice.is_finalised or invoice.status != Invoice.Status.DRAFT:
            raise InvoiceFinalisedError(
                f"Invoice {invoice} is finalised: it cannot change; issue a credit note."
            )
        position = invoice.lines.count()
        line = InvoiceLine.objects.create(
            invoice=invoice,
            position=position,
            kind=kind,
            description=description[:300],
            quantity=1,
            unit_amount=Decimal(amount),
            amount=amount,
            period_start=invoice.period_start,
            period_end=invoice.period_end,
        )
        invoice.subtotal += amount
        invoice.total = max(invoice.subtotal, 0)
        invoice.amount_due = invoice.total - invoice.amount_paid
        invoice.save()
    return line


def billing_credit_grant(
    *, organisation, amount: int, description: str, actor: str = "", now: datetime | None = None
) -> BillingAdjustment:
    """An operator's credit (``amount`` > 0 minor units) on the current period's invoice."""
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise BusinessRuleError(
            "A credit must be a positive whole number of minor units.",
            code="invalid_credit_amount",
            field="amount",
        )
    with transaction.atomic():
        subscription = subscription_lock(organisation)
        adjustment = BillingAdjustment.objects.create(
            organisation_id=subscription.organisation_id,
            period_start=subscription.current_period_start,
            kind=BillingAdjustment.Kind.CREDIT,
            description=description[:300] or "Credit",
            quantity=1,
            unit_amount=Decimal(-amount),
            amount=-amount,
            created_by=actor,
        )
    caches_invalidate("plan")  # a "total" spend cap's allowance moved
    return adjustment
