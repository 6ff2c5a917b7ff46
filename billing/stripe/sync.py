"""Stripe's subscription kept in step with ours, whichever billing service changed ours.

Billing's services announce every change of a subscription with an event
(``billing.subscription_created``, ``…_updated``, ``…_cancelled``, in the organisation's live
schema). ``stripe_billing_event_consume`` is an ``events.dispatch`` consumer (registered by
``BillingConfig.ready()``): for those events only, it enqueues ``stripe_subscription_sync`` on
the billing queue, which mirrors the subscription at Stripe (``StripeProvider.subscription_sync``:
the plan in force, cancellation at the period's end, none for a free plan). So no service has to
know Stripe exists, and a Stripe outage never fails a plan change: the task retries.

With Stripe configured and ``BILLING_PROVIDER = "stripe"``, a newly created subscription is
moved to Stripe here too (``stripe_billing_enable``: provider, customer, subscription).
"""

import logging

from django.conf import settings

from billing.models import Subscription
from billing.stripe.client import stripe_is_configured

logger = logging.getLogger(__name__)

SYNC_EVENTS = frozenset(
    {
        "billing.subscription_created",
        "billing.subscription_updated",
        "billing.subscription_cancelled",
    }
)


def stripe_billing_event_consume(*, event_id: str, schema_name: str) -> None:
    """The events.dispatch consumer (in the worker, in the event's schema)."""
    from events.models import Event

    if not stripe_is_configured():  # no query at all while billing is manual
        return
    event = Event.objects.filter(pk=event_id, type__in=SYNC_EVENTS).only("type", "data").first()
    if event is None:
        return
    public_id = (event.data or {}).get("id")
    if not public_id:
        return
    from billing.stripe.tasks import stripe_subscription_sync_task

    stripe_subscription_sync_task.delay(
        public_id, created=event.type == "billing.subscription_created"
    )


def stripe_subscription_sync(*, subscription_public_id: str, created: bool = False) -> str:
    """Mirror one subscription at Stripe (see module). Returns what was done: ``"synced"``,
    ``"enabled"`` (moved to Stripe at creation), or why nothing was."""
    from billing.stripe.provider import StripeProvider, stripe_billing_enable

    if not stripe_is_configured():
        return "not configured"
    subscription = (
        Subscription.objects.select_related("organisation__plan")
        .filter(public_id=subscription_public_id)
        .first()
    )
    if subscription is None:
        return "unknown subscription"
    if subscription.provider != Subscription.Provider.STRIPE:
        if created and settings.BILLING_PROVIDER == Subscription.Provider.STRIPE:
            stripe_billing_enable(subscription=subscription)
            return "enabled"
        return "not billed through Stripe"
    StripeProvider().subscription_sync(subscription=subscription)
    return "synced"
