"""Stripe webhooks: dj-stripe receives and verifies them, the billing queue applies them.

The way in is dj-stripe's own view (``djstripe.urls``, mounted at ``/stripe/`` on the public
host: ``/stripe/webhook/<uuid>/``, the uuid of the ``WebhookEndpoint`` row that holds the
signing secret — ``stripe_webhook_endpoint_ensure``). dj-stripe records every request
(``WebhookEventTrigger``) and verifies its ``Stripe-Signature`` against that secret
(``DJSTRIPE_WEBHOOK_VALIDATION = "verify_signature"``): a bad or missing signature answers 400
and nothing else happens.

A verified event is then processed by dj-stripe in the request, as dj-stripe supports it (its
``DJSTRIPE_WEBHOOK_EVENT_CALLBACK`` alternative is deprecated): it stores the ``Event`` row and
syncs the object into its tables (one GET to Stripe), then sends the event's signal. Our
receivers below only enqueue ``stripe_event_apply`` on the ``billing`` queue, on commit — so
what billing does with the event (invoices paid, dunning, emails, our events) never runs in the
web request, is retried by Celery, and never sees a rolled-back event. If dj-stripe's part fails
(Stripe unreachable for the GET), the view answers 500, no ``Event`` is stored (the trigger keeps
the error) and nothing is applied; Stripe delivers the event again later (it retries for days).

An event id seen before is not processed again: dj-stripe finds its ``Event`` row and sends no
signal, so a replayed or redelivered event changes nothing. Our services are idempotent besides
(a paid invoice stays paid; a failure counts once per payment attempt), so a task that runs twice
is harmless too.

Applied: ``invoice.paid`` / ``invoice.payment_succeeded`` → ``invoice_payment_succeeded``;
``invoice.payment_failed`` → ``invoice_payment_failed``; ``customer.subscription.*`` → the
Stripe subscription id kept in step (one deleted at Stripe is forgotten, and made again by the
next ``subscription_sync`` while the plan is paid); ``customer.updated`` → ``has_payment_method``
(B1's ``subscription_payment_method_set``), and a new payment method makes the invoices in
dunning due at once (``invoices_in_dunning_retry_now``).
"""

import logging
from datetime import UTC, datetime

from django.conf import settings
from django.db import transaction
from djstripe.models import Event as DjstripeEvent
from djstripe.models import WebhookEndpoint
from djstripe.signals import WEBHOOK_SIGNALS

from billing.models import Invoice, Subscription

logger = logging.getLogger(__name__)

WEBHOOK_EVENTS = [
    "invoice.paid",
    "invoice.payment_succeeded",
    "invoice.payment_failed",
    "customer.updated",
    "customer.subscription.created",
    "customer.subscription.updated",
    "customer.subscription.deleted",
]


# --- Receiving (in the web request, inside dj-stripe's transaction)


def _enqueue(sender, event: DjstripeEvent, **kwargs) -> None:
    from billing.stripe.tasks import stripe_event_apply_task

    event_id = event.id
    transaction.on_commit(lambda: stripe_event_apply_task.delay(event_id))


for _event_type in WEBHOOK_EVENTS:
    WEBHOOK_SIGNALS[_event_type].connect(
        _enqueue, sender=DjstripeEvent, dispatch_uid=f"billing.stripe:{_event_type}"
    )


# --- Applying (on the billing queue)


def stripe_event_apply(*, event_id: str) -> bool:
    """Apply one stored, verified Stripe event to billing (see module). Returns False for an
    unknown event or type."""
    event = DjstripeEvent.objects.filter(id=event_id).first()
    if event is None:
        logger.warning("Stripe event %s is not stored: nothing to apply", event_id)
        return False
    handler = _HANDLERS.get(event.type)
    if handler is None:
        return False
    handler(event)
    return True


# --- What each event does


def _object(event: DjstripeEvent) -> dict:
    return event.data.get("object") or {}


def _our_invoice(stripe_invoice: dict) -> Invoice | None:
    """Our invoice of a Stripe invoice: by the id we stored, else by our id in its metadata."""
    stripe_id = stripe_invoice.get("id") or ""
    invoice = Invoice.objects.filter(stripe_invoice_id=stripe_id).first() if stripe_id else None
    public_id = (stripe_invoice.get("metadata") or {}).get("oc_invoice")
    if invoice is None and public_id:
        invoice = Invoice.objects.filter(public_id=public_id).first()
    if invoice is None:
        logger.info("Stripe invoice %s is none of ours: ignored", stripe_id)
    return invoice


def _invoice_paid(event: DjstripeEvent) -> None:
    from billing.services.dunning import invoice_payment_succeeded

    stripe_invoice = _object(event)
    invoice = _our_invoice(stripe_invoice)
    if invoice is None or invoice.status == Invoice.Status.PAID:
        return
    paid_at = (stripe_invoice.get("status_transitions") or {}).get("paid_at")
    invoice_payment_succeeded(
        invoice=invoice,
        paid_at=datetime.fromtimestamp(paid_at, UTC) if paid_at else None,
        reference=stripe_invoice.get("id") or "",
    )


def _invoice_payment_failed(event: DjstripeEvent) -> None:
    from billing.services.dunning import invoice_payment_failed

    stripe_invoice = _object(event)
    invoice = _our_invoice(stripe_invoice)
    if invoice is None:
        return
    error = stripe_invoice.get("last_finalization_error") or {}
    invoice_payment_failed(
        invoice=invoice,
        message=error.get("message") or "The payment was declined (Stripe).",
        attempt=int(stripe_invoice.get("attempt_count") or 0) or None,
    )


def _subscription_changed(event: DjstripeEvent) -> None:
    stripe_subscription = _object(event)
    stripe_id = stripe_subscription.get("id") or ""
    public_id = (stripe_subscription.get("metadata") or {}).get("oc_subscription")
    subscription = (
        Subscription.objects.filter(stripe_subscription_id=stripe_id).first()
        or Subscription.objects.filter(public_id=public_id or "-").first()
    )
    if subscription is None:
        return
    ended = stripe_subscription.get("status") in ("canceled", "incomplete_expired")
    if ended and subscription.stripe_subscription_id == stripe_id:
        # Cancelled at Stripe (the dashboard, or us): forget it. Our subscription decides the
        # plan; the next subscription_sync makes a new one while the plan is a paid one.
        Subscription.objects.filter(pk=subscription.pk).update(
            stripe_subscription_id="", updated_at=datetime.now(UTC)
        )
    elif not ended and not subscription.stripe_subscription_id:
        Subscription.objects.filter(pk=subscription.pk, stripe_subscription_id="").update(
            stripe_subscription_id=stripe_id, updated_at=datetime.now(UTC)
        )


def _customer_updated(event: DjstripeEvent) -> None:
    from billing.services import subscription_payment_method_set
    from billing.services.dunning import invoices_in_dunning_retry_now

    customer = _object(event)
    subscription = Subscription.objects.filter(stripe_customer_id=customer.get("id") or "-").first()
    if subscription is None:
        return
    invoice_settings = customer.get("invoice_settings") or {}
    has_payment_method = bool(
        invoice_settings.get("default_payment_method") or customer.get("default_source")
    )
    if has_payment_method != subscription.has_payment_method:
        subscription_payment_method_set(
            organisation=subscription.organisation, has_payment_method=has_payment_method
        )
    # Stripe says what changed (previous_attributes); without it, assume the payment method may
    # have: a new one retries the invoices in dunning at once.
    previous = event.data.get("previous_attributes")
    method_changed = previous is None or bool(
        {"invoice_settings", "default_source"} & set(previous or {})
    )
    if has_payment_method and method_changed:
        invoices_in_dunning_retry_now(organisation=subscription.organisation)


_HANDLERS = {
    "invoice.paid": _invoice_paid,
    "invoice.payment_succeeded": _invoice_paid,
    "invoice.payment_failed": _invoice_payment_failed,
    "customer.updated": _customer_updated,
    "customer.subscription.created": _subscription_changed,
    "customer.subscription.updated": _subscription_changed,
    "customer.subscription.deleted": _subscription_changed,
}


# --- The endpoint row


def stripe_webhook_endpoint_ensure(
    *, secret: str | None = None, uuid: str | None = None, url: str = ""
) -> WebhookEndpoint:
    """The ``WebhookEndpoint`` row that receives Stripe's webhooks, made or updated from
    settings: ``STRIPE_WEBHOOK_SECRET`` (the endpoint's signing secret, ``whsec_…``, from the
    Stripe dashboard), ``STRIPE_WEBHOOK_UUID`` (the path: ``/stripe/webhook/<uuid>/``; one is
    generated and kept when empty), ``STRIPE_WEBHOOK_ENDPOINT_ID`` (Stripe's ``we_…`` id, if
    known). Arguments override the settings (tests)."""
    secret = secret if secret is not None else settings.STRIPE_WEBHOOK_SECRET
    if not secret:
        raise ValueError("STRIPE_WEBHOOK_SECRET is empty: copy the endpoint's signing secret.")
    uuid = uuid or settings.STRIPE_WEBHOOK_UUID or None
    livemode = bool(settings.STRIPE_LIVE_MODE)
    endpoint_id = (
        settings.STRIPE_WEBHOOK_ENDPOINT_ID or f"we_openchance_{'live' if livemode else 'test'}"
    )
    values = {
        "secret": secret,
        "url": url or f"https://{settings.BASE_DOMAIN}/stripe/webhook/",
        "livemode": livemode,
        "enabled_events": WEBHOOK_EVENTS,
        "status": "enabled",
        "api_version": "",
        "djstripe_validation_method": settings.DJSTRIPE_WEBHOOK_VALIDATION,
    }
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.select_for_update().filter(id=endpoint_id).first()
        if endpoint is None:
            endpoint = WebhookEndpoint(id=endpoint_id, **values)
            if uuid:
                endpoint.djstripe_uuid = uuid
        else:
            for name, value in values.items():
                setattr(endpoint, name, value)
            if uuid:
                endpoint.djstripe_uuid = uuid
        endpoint.save()
        if not url:
            endpoint.url = (
                f"https://{settings.BASE_DOMAIN}/stripe/webhook/{endpoint.djstripe_uuid}/"
            )
            endpoint.save(update_fields=["url"])
    return endpoint
