"""Dunning: what a payment's outcome does to an invoice and its subscription.

- ``invoice_payment_succeeded`` — the invoice is paid; once no other invoice of the organisation
  is in dunning, the subscription is ``active`` again and a restriction is lifted **at once**
  (``caches_invalidate("plan")``: the gateway follows within its documented 5 s). Events
  ``billing.invoice.paid`` and, when it was restricted, ``billing.payment_restored``.
- ``invoice_payment_failed`` — a payment attempt failed: the subscription goes ``past_due``
  (``past_due_since`` is the first failure), the owners are emailed, the next attempt is
  scheduled (``BILLING_DUNNING_RETRY_DAYS`` after the first failure: days 1, 3, 5 and 7 by
  default, then no more automatic attempts). Event ``billing.invoice.payment_failed``.
- ``invoice_collection_postpone`` — the provider could not be reached (an outage, not a
  decline): the invoice stays ``open``, nothing is counted against the customer, and the attempt
  is repeated ``BILLING_COLLECTION_RETRY_MINUTES`` later.
- ``invoices_in_dunning_retry_now`` — a new payment method: the next attempt is due at once.
- ``dunning_run`` (beat, billing queue) — collects every invoice whose next attempt is due, and
  restricts every organisation past due for ``BILLING_DUNNING_RESTRICT_AFTER_DAYS`` (status
  ``unpaid``, ``restricted_at``: live API calls answer 402 ``payment_required``; sandbox, portal
  and billing pages keep working), emailing the owners. Event ``billing.payment_required``.

Every write takes the invoice's row lock (and the subscription's, ``subscription_lock``), so a
webhook and a synchronous collection reporting the same outcome change things once: a paid
invoice stays paid, and a failure is counted once per payment attempt (``attempt``, Stripe's
``attempt_count``). Events are written in the organisation's live schema in the same transaction.
"""

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string

from billing.models import Invoice, Subscription
from billing.selectors import invoice_as_dict, subscription_as_dict
from billing.services._common import billing_event_emit
from billing.services.subscriptions import subscription_lock
from core.errors import BusinessRuleError
from core.invalidation import caches_invalidate

logger = logging.getLogger(__name__)

# Statuses a failed payment moves to past_due (a cancelled subscription keeps its status: its
# unpaid invoice still counts towards restriction through past_due_since).
_DUNNABLE = (Subscription.Status.ACTIVE, Subscription.Status.TRIALING)


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


def _invoice_lock(invoice: Invoice) -> Invoice:
    return Invoice.objects.select_for_update(of=("self",)).get(pk=invoice.pk)


def next_payment_attempt(*, past_due_since: datetime, attempts: int) -> datetime | None:
    """When attempt number ``attempts + 1`` is due after ``attempts`` failed ones: the
    ``attempts``-th entry of ``BILLING_DUNNING_RETRY_DAYS`` counted from the first failure, or
    None once the schedule is exhausted."""
    schedule = list(settings.BILLING_DUNNING_RETRY_DAYS)
    if attempts < 1 or attempts > len(schedule):
        return None
    return past_due_since + timedelta(days=schedule[attempts - 1])


def _organisation_in_dunning(*, organisation_id: int, excluding: int) -> bool:
    """Whether another invoice of the organisation is still open after a failed attempt."""
    return (
        Invoice.objects.filter(
            organisation_id=organisation_id, status=Invoice.Status.OPEN, payment_attempts__gt=0
        )
        .exclude(pk=excluding)
        .exists()
    )


def invoice_payment_succeeded(
    *, invoice: Invoice, paid_at: datetime | None = None, reference: str = ""
) -> Invoice:
    """Record that ``invoice`` (finalised: open, or uncollectible) is paid (see module).
    Idempotent: an invoice already paid is returned unchanged, with no second event. Refuses a
    draft or void invoice (``invoice_not_payable``)."""
    paid_at = _now(paid_at)
    restored = False
    with transaction.atomic():
        subscription = subscription_lock(invoice.organisation)
        invoice = _invoice_lock(invoice)
        if invoice.status == Invoice.Status.PAID:
            return invoice
        if invoice.status not in (Invoice.Status.OPEN, Invoice.Status.UNCOLLECTIBLE):
            raise BusinessRuleError(
                f"Invoice {invoice.number or invoice.public_id} is {invoice.status}: only an "
                "open (finalised, unpaid) or uncollectible invoice can be paid.",
                code="invoice_not_payable",
            )
        invoice.status = Invoice.Status.PAID
        invoice.paid_at = paid_at
        invoice.amount_paid = invoice.amount_due
        invoice.next_payment_attempt_at = None
        invoice.last_payment_error = ""
        invoice.payment_reference = reference[:255]
        invoice.save(
            update_fields=[
                "status",
                "paid_at",
                "amount_paid",
                "next_payment_attempt_at",
                "last_payment_error",
                "payment_reference",
                "updated_at",
            ]
        )
        billing_event_emit(
            organisation=subscription.organisation,
            type="billing.invoice.paid",
            data=invoice_as_dict(invoice),
        )
        if subscription.past_due_since is not None and not _organisation_in_dunning(
            organisation_id=invoice.organisation_id, excluding=invoice.pk
        ):
            restored = subscription.restricted_at is not None
            if subscription.status in (Subscription.Status.PAST_DUE, Subscription.Status.UNPAID):
                subscription.status = Subscription.Status.ACTIVE
            subscription.past_due_since = None
            subscription.restricted_at = None
            subscription.save(
                update_fields=["status", "past_due_since", "restricted_at", "updated_at"]
            )
            billing_event_emit(
                organisation=subscription.organisation,
                type="billing.subscription_updated",
                data=subscription_as_dict(subscription),
            )
            if restored:
                billing_event_emit(
                    organisation=subscription.organisation,
                    type="billing.payment_restored",
                    data=subscription_as_dict(subscription),
                )
                _owners_email(subscription=subscription, invoice=invoice, template="restored")
    caches_invalidate("plan")
    return invoice


def invoice_payment_failed(
    *,
    invoice: Invoice,
    message: str,
    next_attempt_at: datetime | None = None,
    attempt: int | None = None,
    now: datetime | None = None,
) -> Invoice:
    """Record a failed payment attempt of ``invoice`` (see module). ``attempt`` is the
    provider's attempt number (Stripe's ``attempt_count``): a report of an attempt already
    recorded changes nothing, so the synchronous answer and the webhook of the same attempt
    count once; without it, each call is a new attempt. ``next_attempt_at`` overrides the
    schedule. An invoice that is not open (paid meanwhile, void) is returned unchanged."""
    now = _now(now)
    with transaction.atomic():
        subscription = subscription_lock(invoice.organisation)
        invoice = _invoice_lock(invoice)
        if invoice.status != Invoice.Status.OPEN:
            return invoice
        if attempt is not None and attempt <= invoice.payment_attempts:
            return invoice
        invoice.payment_attempts = attempt if attempt is not None else invoice.payment_attempts + 1
        invoice.last_payment_error = message[:2000]
        status_before = subscription.status
        if subscription.past_due_since is None:
            subscription.past_due_since = now
        if subscription.status in _DUNNABLE:
            subscription.status = Subscription.Status.PAST_DUE
        if next_attempt_at is None and subscription.provider != Subscription.Provider.MANUAL:
            next_attempt_at = next_payment_attempt(
                past_due_since=subscription.past_due_since, attempts=invoice.payment_attempts
            )
        invoice.next_payment_attempt_at = next_attempt_at
        invoice.save(
            update_fields=[
                "payment_attempts",
                "last_payment_error",
                "next_payment_attempt_at",
                "updated_at",
            ]
        )
        subscription.save(update_fields=["status", "past_due_since", "updated_at"])
        billing_event_emit(
            organisation=subscription.organisation,
            type="billing.invoice.payment_failed",
            data=invoice_as_dict(invoice),
        )
        if subscription.status != status_before:
            billing_event_emit(
                organisation=subscription.organisation,
                type="billing.subscription_updated",
                data=subscription_as_dict(subscription),
            )
        _owners_email(subscription=subscription, invoice=invoice, template="payment_failed")
    caches_invalidate("plan")
    return invoice


def invoice_collection_postpone(
    *, invoice: Invoice, message: str, now: datetime | None = None
) -> Invoice:
    """The provider could not be reached: keep ``invoice`` open and try again
    ``BILLING_COLLECTION_RETRY_MINUTES`` later. Not a payment attempt: no status change, no
    email, no event."""
    now = _now(now)
    with transaction.atomic():
        invoice = _invoice_lock(invoice)
        if invoice.status != Invoice.Status.OPEN:
            return invoice
        retry_at = now + timedelta(minutes=settings.BILLING_COLLECTION_RETRY_MINUTES)
        # A scheduled dunning retry that is later than this stays the earliest due attempt.
        invoice.next_payment_attempt_at = retry_at
        invoice.last_payment_error = message[:2000]
        invoice.save(update_fields=["next_payment_attempt_at", "last_payment_error", "updated_at"])
    logger.warning("collection of %s postponed to %s: %s", invoice.public_id, retry_at, message)
    return invoice


def subscription_restrict(*, subscription: Subscription, now: datetime | None = None) -> bool:
    """Restrict an organisation past due for ``BILLING_DUNNING_RESTRICT_AFTER_DAYS`` (see
    module). Returns whether it did (False: paid meanwhile, or already restricted)."""
    now = _now(now)
    cutoff = now - timedelta(days=settings.BILLING_DUNNING_RESTRICT_AFTER_DAYS)
    with transaction.atomic():
        subscription = subscription_lock(subscription.organisation)
        if (
            subscription.restricted_at is not None
            or subscription.past_due_since is None
            or subscription.past_due_since > cutoff
        ):
            return False
        subscription.restricted_at = now
        if subscription.status == Subscription.Status.PAST_DUE:
            subscription.status = Subscription.Status.UNPAID
        subscription.save(update_fields=["restricted_at", "status", "updated_at"])
        billing_event_emit(
            organisation=subscription.organisation,
            type="billing.subscription_updated",
            data=subscription_as_dict(subscription),
        )
        billing_event_emit(
            organisation=subscription.organisation,
            type="billing.payment_required",
            data=subscription_as_dict(subscription),
        )
        invoice = (
            Invoice.objects.filter(
                organisation_id=subscription.organisation_id,
                status=Invoice.Status.OPEN,
                payment_attempts__gt=0,
            )
            .order_by("period_start")
            .first()
        )
        _owners_email(subscription=subscription, invoice=invoice, template="restricted")
    caches_invalidate("plan")
    return True


def _collections_due(now: datetime):
    """Open invoices whose provider collects (not manual) and whose next attempt is due — or
    that were never attempted a lease after finalisation (the collection enqueued at
    finalisation was lost: a worker killed, Stripe down before anything was recorded)."""
    from django.db.models import Q

    lease = timedelta(minutes=settings.BILLING_COLLECTION_RETRY_MINUTES)
    return (
        Invoice.objects.filter(status=Invoice.Status.OPEN)
        .filter(
            Q(next_payment_attempt_at__lte=now)
            | Q(
                next_payment_attempt_at__isnull=True,
                payment_attempts=0,
                finalised_at__lte=now - lease,
            )
        )
        .exclude(organisation__subscription__provider=Subscription.Provider.MANUAL)
    )


def invoice_collection_claim(*, invoice_id: int, now: datetime) -> Invoice | None:
    """Take a due collection for this run: push its next attempt a lease ahead
    (``BILLING_COLLECTION_RETRY_MINUTES``) in one conditional UPDATE, so concurrent runs never
    collect the same invoice twice and a run killed mid-call is retried once the lease ends."""
    lease_end = now + timedelta(minutes=settings.BILLING_COLLECTION_RETRY_MINUTES)
    claimed = (
        _collections_due(now)
        .filter(pk=invoice_id)
        .update(next_payment_attempt_at=lease_end, updated_at=now)
    )
    return Invoice.objects.get(pk=invoice_id) if claimed else None


@dataclass
class DunningReport:
    collected: dict[str, str] = field(default_factory=dict)  # invoice public id → outcome
    restricted: list[str] = field(default_factory=list)  # organisation slugs


def dunning_run(*, now: datetime | None = None, limit: int = 500) -> DunningReport:
    """The dunning beat (see module): collect due invoices through their provider, then
    restrict what has been past due for too long. Safe to run concurrently and to repeat."""
    from billing.providers import payment_provider

    now = _now(now)
    report = DunningReport()
    due = list(
        _collections_due(now)
        .order_by("next_payment_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    for invoice_id in due:
        invoice = invoice_collection_claim(invoice_id=invoice_id, now=now)
        if invoice is None:
            continue
        subscription = Subscription.objects.get(organisation_id=invoice.organisation_id)
        try:
            outcome = payment_provider(subscription).invoice_collect(invoice=invoice)
        except Exception:  # one invoice's bug must not stop the others' collection
            logger.exception("collection of %s failed", invoice.public_id)
            outcome = "error"
        report.collected[invoice.public_id] = outcome or "collected"
    cutoff = now - timedelta(days=settings.BILLING_DUNNING_RESTRICT_AFTER_DAYS)
    for subscription in Subscription.objects.filter(
        restricted_at__isnull=True, past_due_since__lte=cutoff
    ).select_related("organisation"):
        if subscription_restrict(subscription=subscription, now=now):
            report.restricted.append(subscription.organisation.slug)
    return report


def invoices_in_dunning_retry_now(*, organisation, now: datetime | None = None) -> int:
    """A new payment method: make the next attempt of every invoice of the organisation in
    dunning due now (the dunning beat collects them at its next run), whether or not the
    schedule had attempts left. Returns how many."""
    now = _now(now)
    return Invoice.objects.filter(
        organisation_id=organisation.organisation.pk,
        status=Invoice.Status.OPEN,
        payment_attempts__gt=0,
    ).update(next_payment_attempt_at=now, updated_at=now)


def subscription_provider_set(*, subscription: Subscription, provider: str) -> Subscription:
    """Who collects the organisation's invoices from now on (``manual`` or ``stripe``)."""
    if provider not in Subscription.Provider.values:
        raise BusinessRuleError(
            f"Unknown payment provider {provider!r}; one of {Subscription.Provider.values}.",
            code="invalid_provider",
            field="provider",
        )
    with transaction.atomic():
        subscription = subscription_lock(subscription.organisation)
        if subscription.provider != provider:
            subscription.provider = provider
            subscription.save(update_fields=["provider", "updated_at"])
    return subscription


# --- Emails to the owners


def _owners_email(*, subscription: Subscription, invoice: Invoice | None, template: str) -> None:
    """Email the organisation's owners once the transaction commits (a rolled-back change
    sends nothing; a mail outage is logged and never undoes the change)."""
    from tenants.models import Membership

    organisation = subscription.organisation
    recipients = list(
        Membership.objects.filter(tenant=organisation, role=Membership.Role.OWNER).values_list(
            "user__email", flat=True
        )
    )
    if not recipients:
        return
    context = {
        "organisation": organisation,
        "subscription": subscription,
        "invoice": invoice,
        "amount": _money(invoice.amount_due, invoice.currency) if invoice else "",
        "restrict_after_days": settings.BILLING_DUNNING_RESTRICT_AFTER_DAYS,
        "restrict_on": (
            subscription.past_due_since
            + timedelta(days=settings.BILLING_DUNNING_RESTRICT_AFTER_DAYS)
            if subscription.past_due_since
            else None
        ),
    }
    subject = render_to_string(f"billing/email/{template}_subject.txt", context).strip()
    body = render_to_string(f"billing/email/{template}.txt", context)

    def send():
        try:
            send_mail(subject=subject, message=body, from_email=None, recipient_list=recipients)
        except Exception:
            logger.exception("could not email %s's owners (%s)", organisation.slug, template)

    transaction.on_commit(send)


def _money(amount: int, currency: str) -> str:
    return f"{amount / 100:,.2f} {currency.upper()}"
