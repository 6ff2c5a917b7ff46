"""The payment-method page in Stripe's test mode, against a real localstripe server started here
(billing.testing.LocalStripe): the page is labelled test mode, an owner attaches one of Stripe's
test cards, the organisation's Stripe customer gets it as its default payment method and billing
records that a payment method is on file; a refused card is a form error and records nothing."""

import pytest
import stripe

from billing.selectors import subscription_of
from billing.testing import LocalStripe

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture(scope="module")
def localstripe(tmp_path_factory):
    server = LocalStripe(tmp_path_factory.mktemp("localstripe-portal"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def stripe_billed(tenant, localstripe, settings):
    """The tenant billed through Stripe's test mode (localstripe), no card yet."""
    from billing.stripe.provider import stripe_billing_enable

    localstripe.flush()
    settings.STRIPE_RETRY_BASE_SECONDS = 0.01
    settings.STRIPE_RETRY_MAX_SECONDS = 0.05
    for name, value in localstripe.settings_overrides().items():
        setattr(settings, name, value)
    api_base = stripe.api_base
    stripe.api_base = localstripe.url
    subscription = stripe_billing_enable(subscription=subscription_of(tenant))
    assert not subscription.has_payment_method
    yield subscription
    stripe.api_base = api_base


def test_an_owner_attaches_a_test_card(portal_client, stripe_billed):
    client = portal_client("owner")
    page = client.get("/billing/payment-method/").content.decode()

    response = client.post("/billing/payment-method/", {"card": "pm_card_visa"})

    assert "TEST MODE" in page and "pm_card_visa" in page
    assert response.status_code == 302
    subscription = subscription_of(stripe_billed.organisation)
    assert subscription.has_payment_method
    customer = stripe.Customer.retrieve(
        subscription.stripe_customer_id, api_key=LocalStripe.secret_key
    )
    method_id = customer["invoice_settings"]["default_payment_method"]
    assert method_id
    method = stripe.PaymentMethod.retrieve(method_id, api_key=LocalStripe.secret_key)
    assert method["card"]["last4"] == "4242"
    assert 'has-payment-method">yes' in client.get("/billing/payment-method/").content.decode()


@pytest.mark.parametrize("card", ["pm_card_unknown", "4242424242424242", ""])
def test_anything_but_a_listed_test_card_is_refused(portal_client, stripe_billed, card):
    response = portal_client("owner").post("/billing/payment-method/", {"card": card})

    assert response.status_code == 400
    assert not subscription_of(stripe_billed.organisation).has_payment_method


def test_an_admin_sees_the_form_page_but_cannot_attach(portal_client, stripe_billed):
    page = portal_client("admin").get("/billing/payment-method/").content.decode()
    response = portal_client("admin").post("/billing/payment-method/", {"card": "pm_card_visa"})

    assert "TEST MODE" in page and "Only an owner" in page
    assert response.status_code == 403
    assert not subscription_of(stripe_billed.organisation).has_payment_method


def test_in_live_mode_the_page_points_to_stripe_checkout(portal_client, stripe_billed, settings):
    settings.STRIPE_LIVE_MODE = True
    settings.STRIPE_LIVE_SECRET_KEY = LocalStripe.secret_key

    page = portal_client("owner").get("/billing/payment-method/").content.decode()
    response = portal_client("owner").post("/billing/payment-method/", {"card": "pm_card_visa"})

    assert "Stripe Checkout" in page and "TEST MODE" not in page
    assert response.status_code == 403
    assert not subscription_of(stripe_billed.organisation).has_payment_method
