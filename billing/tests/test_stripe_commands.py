"""The Stripe management commands: the webhook endpoint row and its URL; moving organisations
to Stripe billing."""

import io

import pytest
import stripe
from django.core.management import CommandError, call_command
from djstripe.models import WebhookEndpoint

from billing.models import Subscription
from billing.selectors import subscription_of
from billing.testing import LocalStripe

pytestmark = pytest.mark.django_db


def test_billing_stripe_webhook_makes_the_endpoint_and_prints_its_url(settings):
    settings.STRIPE_WEBHOOK_SECRET = "whsec_from_the_dashboard"
    settings.STRIPE_WEBHOOK_UUID = "5a0c4a4c-8f7e-4a34-9a55-2b1e0c7d9e11"
    out = io.StringIO()

    call_command("billing_stripe_webhook", stdout=out)
    call_command("billing_stripe_webhook", stdout=out)  # again: the same row, updated

    endpoint = WebhookEndpoint.objects.get(djstripe_uuid=settings.STRIPE_WEBHOOK_UUID)
    assert endpoint.secret == "whsec_from_the_dashboard"
    url = f"https://{settings.BASE_DOMAIN}/stripe/webhook/{settings.STRIPE_WEBHOOK_UUID}/"
    assert endpoint.url == url
    assert url in out.getvalue() and "invoice.paid" in out.getvalue()
    assert WebhookEndpoint.objects.filter(id=endpoint.id).count() == 1


def test_billing_stripe_webhook_needs_the_secret(settings):
    settings.STRIPE_WEBHOOK_SECRET = ""
    count = WebhookEndpoint.objects.count()

    with pytest.raises(CommandError, match="STRIPE_WEBHOOK_SECRET"):
        call_command("billing_stripe_webhook", stdout=io.StringIO())

    assert WebhookEndpoint.objects.count() == count


def test_billing_stripe_sync_needs_keys(settings, tenant):
    settings.STRIPE_TEST_SECRET_KEY = ""
    settings.STRIPE_LIVE_MODE = False

    with pytest.raises(CommandError, match="No Stripe secret key"):
        call_command("billing_stripe_sync", tenant.slug, stdout=io.StringIO())

    assert subscription_of(tenant).provider == Subscription.Provider.MANUAL


@pytest.mark.slow
def test_billing_stripe_sync_moves_an_organisation_to_stripe(tenant, other_tenant, stripe_server):
    out = io.StringIO()

    call_command("billing_stripe_sync", tenant.slug, stdout=out)

    subscription = subscription_of(tenant)
    assert subscription.provider == Subscription.Provider.STRIPE
    customer = stripe.Customer.retrieve(
        subscription.stripe_customer_id, api_key=LocalStripe.secret_key
    )
    assert customer.metadata["oc_organisation"] == tenant.slug
    assert subscription.stripe_subscription_id  # Pro is a paid plan
    assert f"{tenant.slug}: customer {subscription.stripe_customer_id}" in out.getvalue()
    # the organisation not named is untouched
    other = subscription_of(other_tenant)
    assert other.provider == Subscription.Provider.MANUAL and other.stripe_customer_id == ""
