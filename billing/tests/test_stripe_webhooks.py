"""Stripe's webhooks over real HTTP: localstripe signs and POSTs its events to dj-stripe's
endpoint on a live server (uvicorn running the platform), the billing queue's worker applies
them; bad signatures are refused, replays change nothing; the whole dunning story — a declined
card, past due, retries, restriction, a new card, payment, restoration — end to end.

Everything here is committed (the server and the worker are other processes), on an
organisation of its own that the test deletes afterwards."""

import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from api.testing import uvicorn_server
from billing.testing import WEBHOOK_SECRET
from billing.tests.conftest import card_set
from billing.tests.support import AFTER_NOV, NOV, event_types, ledger_add, subscription_in_period
from core.testing import wait_for

pytestmark = pytest.mark.slow

WEBHOOK_UUID = "0b1c5f4e-8a59-4a43-9d55-5e1b2c0c0b2a"


@pytest.fixture
def webhook_platform(
    stripe_server, celery_worker_process, django_db_blocker, tmp_path, _session_tenants
):
    """A live server with dj-stripe's endpoint (its WebhookEndpoint row committed), localstripe
    posting every event to it, the session worker applying them, and an organisation billed
    through Stripe. Yields (base_url, organisation)."""
    from djstripe.models import WebhookEndpoint

    from billing.selectors import subscription_of
    from billing.stripe.provider import stripe_billing_enable
    from billing.stripe.webhooks import stripe_webhook_endpoint_ensure
    from organisations.services import organisation_provision
    from tenants.selectors import tenant_get_live
    from tenants.services import tenant_delete

    localstripe = stripe_server
    slug = "stripe-hooks"
    with django_db_blocker.unblock():
        if (leftover := tenant_get_live(slug=slug)) is not None:
            tenant_delete(tenant=leftover)
        organisation = organisation_provision(
            issue_keys=False, slug=slug, name="Stripe Hooks", plan_code="pro",
            owner_email="owner@stripe-hooks.test",
        ).tenant  # fmt: skip
        stripe_webhook_endpoint_ensure(secret=WEBHOOK_SECRET, uuid=WEBHOOK_UUID)
        subscription = stripe_billing_enable(subscription=subscription_of(organisation))
    try:
        with uvicorn_server(log_dir=tmp_path, **localstripe.environment()) as base_url:
            port = base_url.rsplit(":", 1)[1]
            # Host localhost: the public host, where dj-stripe's URL lives.
            localstripe.webhook_register(f"http://localhost:{port}/stripe/webhook/{WEBHOOK_UUID}/")
            yield base_url, organisation, subscription
    finally:
        localstripe.webhook_unregister()
        with django_db_blocker.unblock():
            tenant_delete(tenant=organisation)
            WebhookEndpoint.objects.filter(djstripe_uuid=WEBHOOK_UUID).delete()


def _triggers(event_type: str, stripe_object_id: str):
    from djstripe.models import WebhookEventTrigger

    return [
        trigger
        for trigger in WebhookEventTrigger.objects.filter(valid=True).order_by("pk")
        if trigger.json_body.get("type") == event_type
        and trigger.json_body["data"]["object"].get("id") == stripe_object_id
    ]


def _post(base_url: str, body: str, signature: str) -> httpx.Response:
    return httpx.post(
        f"{base_url}/stripe/webhook/{WEBHOOK_UUID}/",
        content=body.encode(),
        headers={
            "Host": "localhost",
            "Content-Type": "application/json",
            "Stripe-Signature": signature,
        },
        timeout=30,
    )


def test_the_dunning_story_through_stripe_webhooks(webhook_platform, django_db_blocker):
    from djstripe.models import Event as StripeEvent
    from djstripe.models import WebhookEventTrigger

    from billing.models import Invoice, Subscription
    from billing.selectors import call_limits_of, subscription_of
    from billing.services import invoice_close_period
    from billing.services.dunning import dunning_run

    base_url, organisation, subscription = webhook_platform
    with django_db_blocker.unblock():
        # given a card that declines, and November closed (the collection runs on commit)
        card_set(subscription, "pm_card_chargeCustomerFail")
        wait_for(  # Stripe's customer.updated applied (it retries nothing: nothing is due yet)
            lambda: _triggers("customer.updated", subscription.stripe_customer_id),
            timeout=30,
            message="customer.updated never reached the endpoint",
        )
        wait_for(lambda: subscription_of(organisation).has_payment_method, timeout=30)
        subscription_in_period(organisation, plan="pro")
        ledger_add(organisation, 100_250)
        invoice = invoice_close_period(organisation=organisation, period_start=NOV, now=AFTER_NOV)
        invoice.refresh_from_db()

        # then the payment failed: past due, one attempt, a retry scheduled
        assert invoice.status == Invoice.Status.OPEN and invoice.payment_attempts == 1
        assert invoice.stripe_invoice_id
        assert subscription_of(organisation).status == Subscription.Status.PAST_DUE

        # and localstripe's invoice.payment_failed came through dj-stripe's endpoint, verified,
        # stored, and applied by the worker without counting the attempt twice
        failed = wait_for(
            lambda: _triggers("invoice.payment_failed", invoice.stripe_invoice_id),
            timeout=30,
            message="invoice.payment_failed never reached the endpoint",
        )[0]
        assert failed.processed and StripeEvent.objects.filter(id=failed.event_id).exists()
        assert "t=" in failed.headers["Stripe-Signature"]
        invoice.refresh_from_db()
        assert invoice.payment_attempts == 1
        assert event_types(organisation).count("billing.invoice.payment_failed") == 1

        # when someone posts the same event with a body that does not match its signature
        tampered = failed.body.replace('"attempt_count": 1', '"attempt_count": 7')
        assert tampered != failed.body
        triggers_before = WebhookEventTrigger.objects.count()
        refused = _post(base_url, tampered, failed.headers["Stripe-Signature"])

        # then 400, and nothing changed (dj-stripe keeps the refused request, unverified)
        assert refused.status_code == 400
        assert WebhookEventTrigger.objects.count() == triggers_before + 1
        assert WebhookEventTrigger.objects.order_by("-pk").first().valid is False
        invoice.refresh_from_db()
        assert invoice.payment_attempts == 1
        assert _post(base_url, failed.body, "t=1,v1=00").status_code == 400

        # when the beat retries on day 1 and the card declines again
        past_due_since = subscription_of(organisation).past_due_since
        dunning_run(now=past_due_since + timedelta(days=1, seconds=1))
        invoice.refresh_from_db()
        assert invoice.payment_attempts == 2
        assert invoice.next_payment_attempt_at == past_due_since + timedelta(days=3)

        # when the organisation is past due for BILLING_DUNNING_RESTRICT_AFTER_DAYS
        report = dunning_run(now=past_due_since + timedelta(days=14))

        # then it is restricted
        assert organisation.slug in report.restricted
        assert call_limits_of(organisation).is_restricted is True
        assert subscription_of(organisation).status == Subscription.Status.UNPAID

        # when the customer gives a card that pays (Stripe sends customer.updated)
        card_set(subscription, "pm_card_visa")
        started = datetime.now(UTC)

        # then the invoice's next attempt is due now, and the beat's next run collects it
        wait_for(
            lambda: (
                Invoice.objects.get(pk=invoice.pk).next_payment_attempt_at
                and Invoice.objects.get(pk=invoice.pk).next_payment_attempt_at <= datetime.now(UTC)
                and Invoice.objects.get(pk=invoice.pk).next_payment_attempt_at >= started
            ),
            timeout=30,
            message="customer.updated did not make the retry due",
        )
        assert dunning_run().collected.get(invoice.public_id) == "paid"

        # then the payment restored the organisation at once
        invoice.refresh_from_db()
        assert invoice.status == Invoice.Status.PAID and invoice.amount_paid == 4925
        assert call_limits_of(organisation).is_restricted is False
        restored = subscription_of(organisation)
        assert restored.status == Subscription.Status.ACTIVE and restored.restricted_at is None

        # and Stripe's invoice.paid came through too, and changed nothing more
        paid = wait_for(
            lambda: _triggers("invoice.paid", invoice.stripe_invoice_id),
            timeout=30,
            message="invoice.paid never reached the endpoint",
        )[0]
        wait_for(lambda: WebhookEventTrigger.objects.get(pk=paid.pk).processed, timeout=10)
        types = event_types(organisation)
        assert types.count("billing.invoice.paid") == 1
        assert types.count("billing.payment_restored") == 1

        # when that event is delivered again (a replay, signature and all)
        replayed = _post(base_url, paid.body, paid.headers["Stripe-Signature"])

        # then it is accepted and processed once: one Event row, no new billing event
        assert replayed.status_code == 200
        assert StripeEvent.objects.filter(id=paid.event_id).count() == 1
        replay = WebhookEventTrigger.objects.get(pk=int(replayed.text))
        assert replay.valid and replay.processed and replay.event_id == paid.event_id
        assert event_types(organisation) == types


def test_an_unknown_endpoint_uuid_is_404_and_stores_nothing(webhook_platform, django_db_blocker):
    from djstripe.models import WebhookEventTrigger

    base_url, _organisation, _subscription = webhook_platform
    with django_db_blocker.unblock():
        before = WebhookEventTrigger.objects.count()
        response = httpx.post(
            f"{base_url}/stripe/webhook/{uuid.uuid4()}/",
            content=b'{"id": "evt_x", "livemode": false}',
            headers={"Host": "localhost", "Stripe-Signature": "t=1,v1=00"},
        )
        assert response.status_code == 404
        assert WebhookEventTrigger.objects.count() == before
