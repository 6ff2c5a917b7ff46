"""Subscription changes made by billing's services are mirrored at Stripe through billing's
own events (billing.stripe.sync: an events.dispatch consumer, a billing-queue task)."""

import pytest
import stripe
from django_tenants.utils import tenant_context

from billing.models import Subscription
from billing.selectors import subscription_of
from billing.services import subscription_cancel, subscription_change_plan
from billing.stripe.sync import stripe_billing_event_consume, stripe_subscription_sync
from billing.testing import LocalStripe
from events.models import Event

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

KEY = LocalStripe.secret_key


@pytest.fixture
def eager_tasks():
    """Celery runs enqueued tasks inline (its own switch), so the consumer's task runs here."""
    from openchance.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def _consume_billing_events(tenant, since: set[str]) -> list[str]:
    """What the worker's event dispatch does for each new event of the tenant's live schema."""
    with tenant_context(tenant):
        events = list(Event.objects.exclude(pk__in=since).order_by("created_at", "id"))
        for event in events:
            stripe_billing_event_consume(event_id=event.id, schema_name=tenant.schema_name)
    return [event.type for event in events]


def _event_ids(tenant) -> set[str]:
    with tenant_context(tenant):
        return set(Event.objects.values_list("pk", flat=True))


def test_an_upgrade_and_a_cancellation_reach_stripe(tenant, stripe_subscription, eager_tasks):
    # given a Pro organisation billed through Stripe
    seen = _event_ids(tenant)

    # when it upgrades to Business (at once), and its events are dispatched
    subscription_change_plan(organisation=tenant, plan="business")
    assert "billing.subscription_updated" in _consume_billing_events(tenant, seen)

    # then Stripe's subscription is on Business
    remote = stripe.Subscription.retrieve(stripe_subscription.stripe_subscription_id, api_key=KEY)
    assert remote["items"]["data"][0]["plan"]["id"] == "oc-business-usd-month"
    assert remote.cancel_at_period_end is False

    # when it cancels (at the period's end)
    seen = _event_ids(tenant)
    subscription_cancel(organisation=tenant)
    _consume_billing_events(tenant, seen)

    # then Stripe's subscription ends at the period's end too
    remote = stripe.Subscription.retrieve(stripe_subscription.stripe_subscription_id, api_key=KEY)
    assert remote.cancel_at_period_end is True


def test_a_manual_subscription_is_left_alone(tenant, stripe_server):
    subscription = subscription_of(tenant)
    assert subscription.provider == Subscription.Provider.MANUAL

    outcome = stripe_subscription_sync(subscription_public_id=subscription.public_id)

    assert outcome == "not billed through Stripe"
    assert subscription_of(tenant).stripe_customer_id == ""
    assert not [r for r in stripe_server.requests() if r["method"] == "POST"]


def test_a_new_subscription_moves_to_stripe_when_it_is_the_provider(
    tenant, stripe_server, settings
):
    settings.BILLING_PROVIDER = "stripe"
    subscription = subscription_of(tenant)

    outcome = stripe_subscription_sync(subscription_public_id=subscription.public_id, created=True)

    assert outcome == "enabled"
    subscription = subscription_of(tenant)
    assert subscription.provider == Subscription.Provider.STRIPE
    assert subscription.stripe_customer_id.startswith("cus_")
    assert subscription.stripe_subscription_id.startswith("sub_")


def test_nothing_is_asked_of_stripe_without_keys(tenant, settings, django_assert_num_queries):
    settings.STRIPE_TEST_SECRET_KEY = ""
    with tenant_context(tenant), django_assert_num_queries(0):
        stripe_billing_event_consume(event_id="evt_any", schema_name=tenant.schema_name)
    assert stripe_subscription_sync(subscription_public_id="sub_any") == "not configured"
