"""Stripe through dj-stripe and the stripe library: the configured client (``client``), the
payment provider (``provider.StripeProvider``) and the webhook handlers (``webhooks``).

Nothing here runs unless Stripe keys are configured (settings ``STRIPE_TEST_SECRET_KEY`` /
``STRIPE_LIVE_SECRET_KEY``); without them billing uses the manual provider.
"""
