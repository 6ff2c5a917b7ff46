"""Stripe through dj-stripe and the stripe library:

- ``client`` — the one way billing calls Stripe (idempotency keys from our ids, retries with
  backoff, ``StripeUnavailableError`` when Stripe stays unreachable);
- ``provider`` — ``StripeProvider`` (billing.providers' protocol): customers, a zero-priced
  subscription per paid plan, our invoices' lines as a Stripe invoice paid at once;
- ``webhooks`` — what Stripe's verified webhooks (dj-stripe's endpoint) do to billing, applied on
  the billing queue; the ``WebhookEndpoint`` row;
- ``sync`` — subscription changes reach Stripe through billing's own events;
- ``tasks`` — the Celery tasks (billing queue) of the above and of dunning.

Nothing here calls Stripe unless a secret key is configured for the mode (settings
``STRIPE_TEST_SECRET_KEY`` / ``STRIPE_LIVE_SECRET_KEY``); without one billing uses the manual
provider, offline.
"""
