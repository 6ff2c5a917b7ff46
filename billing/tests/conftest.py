"""Fixtures of the Stripe and dunning tests: a real localstripe server (``billing.testing``)."""

import pytest
import stripe

from billing.testing import LocalStripe


@pytest.fixture(scope="session")
def localstripe(tmp_path_factory):
    """localstripe in its own process for the whole session (``stripe_server`` points a test
    at it)."""
    server = LocalStripe(tmp_path_factory.mktemp("localstripe"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def stripe_server(localstripe, settings):
    """localstripe, emptied (each test's database work is rolled back, Stripe's must go too),
    this process's Stripe settings and the stripe library pointed at it for the test only, with
    fast retries (the policy is the same; only the waits shrink)."""
    if not localstripe.is_running:
        localstripe.start()
    localstripe.flush()
    settings.STRIPE_RETRY_BASE_SECONDS = 0.01
    settings.STRIPE_RETRY_MAX_SECONDS = 0.05
    for name, value in localstripe.settings_overrides().items():
        setattr(settings, name, value)
    api_base = stripe.api_base
    stripe.api_base = localstripe.url
    yield localstripe
    stripe.api_base = api_base


@pytest.fixture
def stripe_subscription(tenant, stripe_server):
    """The tenant's subscription billed through Stripe, with a card that pays."""
    from billing.selectors import subscription_of
    from billing.stripe.provider import stripe_billing_enable

    subscription = stripe_billing_enable(subscription=subscription_of(tenant))
    card_set(subscription, "pm_card_visa")
    return subscription


def card_set(subscription, test_card: str) -> str:
    """Attach one of Stripe's test payment methods (``pm_card_visa``, or
    ``pm_card_chargeCustomerFail``: attaches, then every charge is declined) as the customer's
    default — what the customer does in Stripe's hosted pages."""
    api_key = LocalStripe.secret_key
    method = stripe.PaymentMethod.attach(
        test_card, customer=subscription.stripe_customer_id, api_key=api_key
    )
    stripe.Customer.modify(
        subscription.stripe_customer_id,
        invoice_settings={"default_payment_method": method.id},
        api_key=api_key,
    )
    return method.id
