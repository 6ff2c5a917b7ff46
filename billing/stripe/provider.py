"""``StripeProvider``: the payment provider of organisations billed through Stripe.

The usage ledger rates; Stripe collects. Stripe's legacy usage records are gone from current API
versions and billing meters are not in localstripe, so:

- **customer** — one Stripe customer per organisation (``customer_ensure``), id kept on the
  subscription (``stripe_customer_id``) and mirrored into dj-stripe's tables;
- **subscription** — a Stripe subscription per paid plan (``subscription_sync``), on a legacy
  plan ``oc-<plan code>-<currency>-month`` priced at **zero**: it mirrors which plan is in force
  (Stripe's dashboard, ``customer.subscription.*`` webhooks) and never charges, since every
  charge — the base fee included — comes from our invoice. Operators' price edits therefore never
  need new Stripe plans, and Stripe never bills what the ledger did not rate;
- **invoice** — at period close (``invoice_collect``, called after the invoice is finalised) a
  one-off draft Stripe invoice is made for it (``pending_invoice_items_behavior=exclude``: it
  takes nothing else pending on the customer; its id kept at once in ``stripe_invoice_id``),
  each non-zero line of ours becomes an invoice item on that draft (credit notes one negative
  item), and it is paid at once (``pay`` finalises a draft; localstripe has no ``/finalize``).
  Before paying, the Stripe invoice's amount due must equal ours — Stripe never charges another
  amount than the one we invoiced.

Every call goes through ``billing.stripe.client.stripe_call``: an Idempotency-Key from our ids
and retries with backoff. A Stripe outage delays collection and loses nothing: the invoice stays
``open`` with ``next_payment_attempt_at`` a few minutes ahead (``BILLING_COLLECTION_RETRY_MINUTES``)
and the dunning beat collects it again; the Stripe invoice and the lines already on it are found
again (by its stored id, their metadata) instead of being made twice. A declined payment is
dunning's (``billing.services.dunning.invoice_payment_failed``); so is a payment attempted
without a payment method. Anything else Stripe refuses postpones the collection the same way,
with the reason in ``last_payment_error`` for an operator.
"""

import logging
import uuid
from datetime import UTC, datetime

import stripe
from django.db import transaction

from billing.models import Invoice, Subscription
from billing.stripe.client import StripeUnavailableError, idempotency_key, stripe_call

logger = logging.getLogger(__name__)


def stripe_plan_id(plan) -> str:
    return f"oc-{plan.code}-{plan.currency}-month"


def stripe_product_id(plan) -> str:
    return f"oc-{plan.code}"


def _owner_email(organisation) -> str:
    from tenants.models import Membership

    return (
        Membership.objects.filter(tenant=organisation, role=Membership.Role.OWNER)
        .order_by("created_at")
        .values_list("user__email", flat=True)
        .first()
        or ""
    )


def _mirror(model_name: str, data) -> None:
    """Keep dj-stripe's copy of a Stripe object in step (its admin and reports read it). A
    mirror that fails must not fail billing: webhooks bring the object again."""
    from djstripe import models as djstripe_models

    try:
        with transaction.atomic():
            getattr(djstripe_models, model_name).sync_from_stripe_data(data)
    except Exception:
        logger.exception("could not mirror Stripe %s %s into dj-stripe", model_name, data.get("id"))


def _replayed(stripe_object) -> bool:
    """Whether Stripe answered with the stored first answer of this Idempotency-Key."""
    response = getattr(stripe_object, "last_response", None)
    headers = getattr(response, "headers", None) or {}
    return str(headers.get("Idempotent-Replayed", headers.get("idempotent-replayed", ""))) == "true"


def _timestamp(value: datetime) -> int:
    return int(value.timestamp())


class StripeProvider:
    """The PaymentProvider protocol (billing.providers) over Stripe."""

    name = "stripe"

    # --- customers

    def customer_ensure(self, *, subscription: Subscription) -> str:
        """The organisation's Stripe customer id, created once (idempotent on the subscription's
        public id: a retry or a second worker gets the same customer)."""
        if subscription.stripe_customer_id:
            return subscription.stripe_customer_id
        organisation = subscription.organisation
        customer = stripe_call(
            stripe.Customer.create,
            idempotency_key=idempotency_key(subscription.public_id, "customer"),
            name=organisation.name,
            email=_owner_email(organisation) or None,
            description=f"OpenChance organisation {organisation.slug}",
            metadata={
                "oc_organisation": organisation.slug,
                "oc_subscription": subscription.public_id,
            },
        )
        Subscription.objects.filter(pk=subscription.pk, stripe_customer_id="").update(
            stripe_customer_id=customer.id, updated_at=datetime.now(UTC)
        )
        subscription.refresh_from_db(fields=["stripe_customer_id"])
        _mirror("Customer", customer)
        return subscription.stripe_customer_id

    # --- subscriptions

    def _plan_ensure(self, plan) -> str:
        plan_id = stripe_plan_id(plan)
        try:
            stripe_call(stripe.Plan.retrieve, plan_id)
            return plan_id
        except stripe.InvalidRequestError as error:
            if error.http_status != 404:
                raise
        try:
            stripe_call(stripe.Product.retrieve, stripe_product_id(plan))
        except stripe.InvalidRequestError as error:
            if error.http_status != 404:
                raise
            stripe_call(
                stripe.Product.create,
                idempotency_key=idempotency_key("product", plan.code),
                id=stripe_product_id(plan),
                name=f"OpenChance {plan.name}",
                metadata={"oc_plan": plan.code},
            )
        stripe_call(
            stripe.Plan.create,
            idempotency_key=idempotency_key("plan", plan_id),
            id=plan_id,
            product=stripe_product_id(plan),
            amount=0,
            currency=plan.currency,
            interval="month",
            nickname=f"{plan.name} (charged by OpenChance invoices)",
            metadata={"oc_plan": plan.code, "oc_list_price": str(plan.monthly_price)},
        )
        return plan_id

    def subscription_sync(self, *, subscription: Subscription) -> str:
        """Make Stripe's subscription match ours: one on the plan in force while it is a paid
        plan and not cancelled, none otherwise; ``cancel_at_period_end`` follows ours. Returns
        the Stripe subscription id ("" when there is none)."""
        subscription.refresh_from_db()
        organisation = subscription.organisation
        plan = organisation.plan
        wanted = (
            plan is not None
            and plan.monthly_price > 0
            and subscription.status != Subscription.Status.CANCELLED
        )
        current_id = subscription.stripe_subscription_id
        if not wanted:
            if current_id:
                try:
                    stripe_call(
                        stripe.Subscription.delete,
                        current_id,
                        idempotency_key=idempotency_key(
                            subscription.public_id, "cancel", current_id
                        ),
                    )
                except stripe.InvalidRequestError as error:
                    if error.http_status != 404:
                        raise
                self._stripe_subscription_store(subscription, "")
            return ""
        customer_id = self.customer_ensure(subscription=subscription)
        plan_id = self._plan_ensure(plan)
        period = f"{subscription.current_period_start:%Y%m}"
        if not current_id:
            # One key per (plan, period): a retry, or a second worker, gets the same
            # subscription. A key that replays one cancelled since (the plan left and came back
            # within Stripe's 24 hours of keys) is followed by one naming what it replaced.
            key = idempotency_key(subscription.public_id, "subscribe", plan.code, period)
            for _replays in range(10):
                created = stripe_call(
                    stripe.Subscription.create,
                    idempotency_key=key,
                    customer=customer_id,
                    items=[{"plan": plan_id}],
                    metadata={
                        "oc_subscription": subscription.public_id,
                        "oc_organisation": organisation.slug,
                    },
                )
                if not _replayed(created) or stripe_call(stripe.Subscription.retrieve, created.id)[
                    "status"
                ] not in ("canceled", "incomplete_expired"):
                    break
                key = idempotency_key(
                    subscription.public_id, "subscribe", plan.code, period, "after", created.id
                )
            self._stripe_subscription_store(subscription, created.id)
            _mirror("Subscription", created)
            return created.id
        remote = stripe_call(stripe.Subscription.retrieve, current_id)
        item = remote["items"]["data"][0]
        changes = {}
        if item["plan"]["id"] != plan_id:
            changes["items"] = [{"id": item["id"], "plan": plan_id}]
            changes["proration_behavior"] = "none"
        if bool(remote.get("cancel_at_period_end")) != subscription.cancel_at_period_end:
            changes["cancel_at_period_end"] = subscription.cancel_at_period_end
        if changes:
            # Setting a state is idempotent by itself; the key only has to cover the retries
            # of this call (a key reused by a later change back to the same state would replay
            # the old answer and change nothing), so each sync is an operation of its own.
            updated = stripe_call(
                stripe.Subscription.modify,
                current_id,
                idempotency_key=idempotency_key(
                    subscription.public_id, "update", plan.code, uuid.uuid4().hex[:16]
                ),
                **changes,
            )
            _mirror("Subscription", updated)
        return current_id

    @staticmethod
    def _stripe_subscription_store(subscription: Subscription, stripe_subscription_id: str):
        Subscription.objects.filter(pk=subscription.pk).update(
            stripe_subscription_id=stripe_subscription_id, updated_at=datetime.now(UTC)
        )
        subscription.stripe_subscription_id = stripe_subscription_id

    # --- invoices

    def invoice_collect(self, *, invoice: Invoice) -> str:
        """Charge a finalised, open invoice through Stripe (see module). Returns what happened:
        ``"paid"``, ``"failed"`` (declined: dunning took it), ``"postponed"`` (Stripe
        unreachable: retried by the dunning beat), ``"processing"`` (accepted, not settled: the
        webhook decides) or ``"skipped"`` (not open, nothing due)."""
        from billing.services.dunning import (
            invoice_collection_postpone,
            invoice_payment_failed,
            invoice_payment_succeeded,
        )

        invoice.refresh_from_db()
        if invoice.status != Invoice.Status.OPEN or not invoice.is_finalised:
            return "skipped"
        if invoice.amount_due <= 0:
            invoice_payment_succeeded(invoice=invoice, reference="nothing due")
            return "paid"
        subscription = Subscription.objects.get(organisation_id=invoice.organisation_id)
        attempt = invoice.payment_attempts + 1
        try:
            stripe_invoice = self._stripe_invoice_ensure(invoice=invoice, subscription=subscription)
            if stripe_invoice["status"] == "paid":
                paid = stripe_invoice
            else:
                paid = stripe_call(
                    stripe.Invoice.pay,
                    stripe_invoice["id"],
                    idempotency_key=idempotency_key(
                        invoice.public_id, "pay", attempt, stripe_invoice["id"]
                    ),
                )
        except StripeUnavailableError as error:
            invoice_collection_postpone(invoice=invoice, message=str(error))
            return "postponed"
        except (stripe.CardError, stripe.InvalidRequestError) as error:
            if isinstance(error, stripe.InvalidRequestError) and not invoice.stripe_invoice_id:
                # Refused before any payment was tried (our request): retried, and logged.
                logger.error("Stripe refused %s's invoice: %s", invoice.public_id, error)
                invoice_collection_postpone(invoice=invoice, message=f"Stripe refused: {error}")
                return "postponed"
            remote = self._stripe_invoice_now(invoice)
            if remote is not None and remote.get("status") == "paid":
                paid = remote  # paid meanwhile at Stripe (the customer, another worker)
                return self._paid(invoice, paid, invoice_payment_succeeded)
            # Declined, or nothing to charge it with (no payment method): a failed attempt.
            stripe_attempt = int((remote or {}).get("attempt_count") or 0) or attempt
            invoice_payment_failed(
                invoice=invoice,
                message=error.user_message or str(error),
                attempt=max(stripe_attempt, attempt),
            )
            return "failed"
        except (StripeInvoiceMismatchError, stripe.StripeError) as error:
            # Misconfiguration or a mismatch: nothing charged, the invoice stays open and is
            # tried again (an operator reads last_payment_error meanwhile).
            logger.error("collection of %s stopped: %s", invoice.public_id, error)
            invoice_collection_postpone(invoice=invoice, message=str(error))
            return "postponed"
        if paid["status"] != "paid":
            # Accepted but not settled yet (a bank debit processing): Stripe's invoice.paid or
            # invoice.payment_failed webhook decides.
            logger.info("payment of %s is processing at Stripe", invoice.public_id)
            return "processing"
        return self._paid(invoice, paid, invoice_payment_succeeded)

    @staticmethod
    def _paid(invoice: Invoice, paid, invoice_payment_succeeded) -> str:
        paid_at = (paid.get("status_transitions") or {}).get("paid_at")
        invoice_payment_succeeded(
            invoice=invoice,
            paid_at=datetime.fromtimestamp(paid_at, UTC) if paid_at else None,
            reference=paid["id"],
        )
        return "paid"

    def _stripe_invoice_now(self, invoice: Invoice):
        """Stripe's invoice as it is now (None if it cannot be read)."""
        if not invoice.stripe_invoice_id:
            return None
        try:
            return stripe_call(stripe.Invoice.retrieve, invoice.stripe_invoice_id)
        except (StripeUnavailableError, stripe.StripeError):
            return None

    def _stripe_invoice_ensure(self, *, invoice: Invoice, subscription: Subscription):
        """The Stripe invoice of ``invoice``, made to add up to what we invoice:

        - created once (a draft of no pending items; its id stored at once);
        - each line added once as an invoice item on it (lines already there are found by their
          metadata after a partial run; credit notes are one negative item);
        - if it no longer adds up because *our* invoice changed since (a credit note after a
          declined payment had finalised it), it is voided (or deleted, a draft) and replaced
          by a new one (its key names the one it replaces, so a retry makes no third);
        - if it does not add up for another reason (an item added at Stripe),
          ``StripeInvoiceMismatchError``: nothing is charged."""
        customer_id = self.customer_ensure(subscription=subscription)
        replaced = ""
        for _round in range(3):
            if not invoice.stripe_invoice_id:
                key = idempotency_key(
                    invoice.public_id, "invoice", *(("after", replaced) if replaced else ())
                )
                created = stripe_call(
                    stripe.Invoice.create,
                    idempotency_key=key,
                    customer=customer_id,
                    currency=invoice.currency,
                    description=f"OpenChance invoice {invoice.number}",
                    pending_invoice_items_behavior="exclude",
                    collection_method="charge_automatically",
                    auto_advance=False,
                    metadata={"oc_invoice": invoice.public_id, "oc_number": invoice.number or ""},
                )
                self._stripe_invoice_store(invoice, created["id"])
            remote = stripe_call(stripe.Invoice.retrieve, invoice.stripe_invoice_id)
            if remote["status"] == "paid":
                return remote
            lines = {
                (line.get("metadata") or {}).get("oc_line"): line
                for line in stripe_call(
                    stripe.Invoice.list_lines, invoice.stripe_invoice_id, limit=100
                ).auto_paging_iter()
            }
            wanted = self._stripe_lines(invoice)
            if remote["status"] == "draft":
                missing = [entry for entry in wanted if entry[0] not in lines]
                for line_id, amount, description, start, end in missing:
                    params = {}
                    if start is not None:
                        params["period"] = {"start": _timestamp(start), "end": _timestamp(end)}
                    stripe_call(
                        stripe.InvoiceItem.create,
                        idempotency_key=idempotency_key(
                            invoice.public_id, "line", line_id, invoice.stripe_invoice_id
                        ),
                        customer=customer_id,
                        invoice=invoice.stripe_invoice_id,
                        amount=amount,
                        currency=invoice.currency,
                        description=description,
                        metadata={"oc_invoice": invoice.public_id, "oc_line": line_id},
                        **params,
                    )
                if missing:
                    remote = stripe_call(stripe.Invoice.retrieve, invoice.stripe_invoice_id)
                    lines.update({entry[0]: None for entry in missing})
            if remote["status"] in ("draft", "open") and remote["amount_due"] == invoice.amount_due:
                return remote
            if remote["status"] in ("draft", "open") and None in lines:
                break  # an item that is not ours: someone changed it at Stripe
            # Ours changed (or it was voided at Stripe): replace it.
            replaced = invoice.stripe_invoice_id
            if remote["status"] == "draft":
                stripe_call(stripe.Invoice.delete, replaced)
            elif remote["status"] == "open":
                stripe_call(
                    stripe.Invoice.void_invoice,
                    replaced,
                    idempotency_key=idempotency_key(invoice.public_id, "void", replaced),
                )
            logger.info("Stripe invoice %s of %s replaced", replaced, invoice.public_id)
            self._stripe_invoice_store(invoice, "")
        self._total_check(invoice, remote)
        return remote

    @staticmethod
    def _stripe_lines(invoice: Invoice) -> list[tuple]:
        """(line id, amount, description, period start, period end) of what Stripe must bill."""
        wanted = [
            (str(line.pk), line.amount, line.description, line.period_start, line.period_end)
            for line in invoice.lines.all()
            if line.amount != 0
        ]
        if invoice.amount_credited > 0:
            wanted.append(
                (
                    f"credit-{invoice.amount_credited}",
                    -invoice.amount_credited,
                    "Credit notes",
                    None,
                    None,
                )
            )
        return wanted

    @staticmethod
    def _stripe_invoice_store(invoice: Invoice, stripe_invoice_id: str) -> None:
        Invoice.objects.filter(pk=invoice.pk).update(
            stripe_invoice_id=stripe_invoice_id, updated_at=datetime.now(UTC)
        )
        invoice.stripe_invoice_id = stripe_invoice_id

    def invoice_void(self, *, invoice: Invoice) -> None:
        """Void the Stripe invoice of a voided invoice of ours (nothing to do when none was made;
        a paid one cannot be voided at Stripe either: corrections are credit notes)."""
        if not invoice.stripe_invoice_id:
            return
        remote = stripe_call(stripe.Invoice.retrieve, invoice.stripe_invoice_id)
        if remote["status"] in ("draft", "open"):
            stripe_call(
                stripe.Invoice.void_invoice,
                invoice.stripe_invoice_id,
                idempotency_key=idempotency_key(invoice.public_id, "void"),
            )

    @staticmethod
    def _total_check(invoice: Invoice, remote) -> None:
        if remote["amount_due"] != invoice.amount_due and remote["status"] != "paid":
            raise StripeInvoiceMismatchError(
                f"Stripe invoice {remote['id']} is due {remote['amount_due']} "
                f"{invoice.currency}, ours {invoice.public_id} {invoice.amount_due}: not charged."
            )


class StripeInvoiceMismatchError(RuntimeError):
    """The Stripe invoice does not add up to ours: nothing is charged (an operator looks)."""


def stripe_billing_enable(*, subscription: Subscription) -> Subscription:
    """Bill an organisation through Stripe from now on (an operator's switch, or every
    subscription once keys are configured: ``manage.py billing_stripe_sync``): provider
    ``stripe``, its Stripe customer, and its Stripe subscription while the plan is paid."""
    from billing.services.dunning import subscription_provider_set

    subscription = subscription_provider_set(
        subscription=subscription, provider=Subscription.Provider.STRIPE
    )
    provider = StripeProvider()
    provider.customer_ensure(subscription=subscription)
    provider.subscription_sync(subscription=subscription)
    subscription.refresh_from_db()
    return subscription
