"""Stripe webhooks in this process (Django's test client on the public host): signature checks,
what each event does once applied (``stripe_event_apply``, the billing queue's task body), and
replays. The same path over real HTTP from localstripe is test_stripe_webhooks.py."""

import hashlib
import hmac
import json
import time

import pytest
import stripe
from django.conf import settings
from django.test import Client
from djstripe.models import Event as StripeEvent
from djstripe.models import WebhookEventTrigger

from billing.models import Invoice, Subscription
from billing.selectors import call_limits_of, subscription_of
from billing.services import invoice_close_period
from billing.stripe.provider import StripeProvider
from billing.stripe.webhooks import stripe_event_apply, stripe_webhook_endpoint_ensure
from billing.testing import WEBHOOK_SECRET, LocalStripe
from billing.tests.conftest import card_set
from billing.tests.support import AFTER_NOV, NOV, event_types, ledger_add, subscription_in_period

pytestmark = pytest.mark.django_db

KEY = LocalStripe.secret_key


@pytest.fixture
def endpoint():
    return stripe_webhook_endpoint_ensure(secret=WEBHOOK_SECRET)


def _signed(payload: str, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    timestamp = timestamp or int(time.time())
    digest = hmac.new(
        secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256
    ).hexdigest()
    return f"t={timestamp},v1={digest}"


def _event(event_type: str, stripe_object: dict, event_id: str | None = None) -> str:
    return json.dumps(
        {
            "id": event_id or f"evt_test_{int(time.time() * 1e6)}",
            "object": "event",
            "type": event_type,
            "livemode": False,
            "created": int(time.time()),
            "api_version": "2017-08-15",
            "data": {"object": stripe_object},
        }
    )


def _deliver(endpoint, payload: str, signature: str | None):
    headers = {"HTTP_STRIPE_SIGNATURE": signature} if signature is not None else {}
    return Client(HTTP_HOST=settings.BASE_DOMAIN).post(
        f"/stripe/webhook/{endpoint.djstripe_uuid}/",
        data=payload,
        content_type="application/json",
        **headers,
    )


def test_the_webhook_url_is_on_the_public_host(endpoint):
    assert endpoint.url == (
        f"https://{settings.BASE_DOMAIN}/stripe/webhook/{endpoint.djstripe_uuid}/"
    )
    assert endpoint.secret == WEBHOOK_SECRET
    assert endpoint.djstripe_validation_method == "verify_signature"


@pytest.mark.parametrize(
    "signature",
    [
        pytest.param(_signed("{}", secret="whsec_someone_else"), id="another secret"),
        pytest.param("t=1700000000,v1=" + "0" * 64, id="forged"),
        pytest.param("garbage", id="garbage"),
    ],
)
def test_a_bad_signature_is_refused_and_changes_nothing(tenant, endpoint, signature):
    # given an event that would pay an invoice
    payload = _event("invoice.paid", {"id": "in_forged", "object": "invoice"}, "evt_forged")
    triggers = WebhookEventTrigger.objects.count()

    response = _deliver(endpoint, payload, signature)

    assert response.status_code == 400
    assert not StripeEvent.objects.filter(id="evt_forged").exists()
    # dj-stripe keeps the refused request for the record, unverified and unprocessed
    assert WebhookEventTrigger.objects.count() == triggers + 1
    refused = WebhookEventTrigger.objects.order_by("-pk").first()
    assert refused.valid is False and refused.processed is False
    assert "billing.invoice.paid" not in event_types(tenant)


def test_a_secret_sent_along_is_not_trusted(endpoint, settings):
    # dj-stripe lets DEBUG servers take the secret from X-Djstripe-Webhook-Secret (for the Stripe
    # CLI); anywhere else a sender choosing its own secret must get nowhere.
    settings.DEBUG = False
    payload = _event("invoice.paid", {"id": "in_x", "object": "invoice"}, "evt_own_secret")

    response = Client(HTTP_HOST=settings.BASE_DOMAIN).post(
        f"/stripe/webhook/{endpoint.djstripe_uuid}/",
        data=payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=_signed(payload, secret="whsec_mine"),
        HTTP_X_DJSTRIPE_WEBHOOK_SECRET="whsec_mine",
    )

    assert response.status_code == 400
    assert not StripeEvent.objects.filter(id="evt_own_secret").exists()


def test_an_expired_signature_is_refused(endpoint):
    payload = _event("invoice.paid", {"id": "in_old", "object": "invoice"}, "evt_old")

    response = _deliver(endpoint, payload, _signed(payload, timestamp=int(time.time()) - 3600))

    assert response.status_code == 400
    assert not StripeEvent.objects.filter(id="evt_old").exists()


def test_no_signature_is_refused_before_anything_is_stored(endpoint):
    triggers = WebhookEventTrigger.objects.count()

    response = _deliver(endpoint, _event("invoice.paid", {"id": "in_x"}), None)

    assert response.status_code == 400
    assert WebhookEventTrigger.objects.count() == triggers


@pytest.mark.slow
def test_a_payment_made_at_stripe_is_applied_once(
    tenant, stripe_subscription, stripe_server, endpoint, django_capture_on_commit_callbacks
):
    # given November's invoice declined (past due), then paid by the customer at Stripe
    card_set(stripe_subscription, "pm_card_chargeCustomerFail")
    subscription_in_period(tenant, plan="pro")
    ledger_add(tenant, 100_250)
    invoice = invoice_close_period(organisation=tenant, period_start=NOV, now=AFTER_NOV)
    assert StripeProvider().invoice_collect(invoice=invoice) == "failed"
    invoice.refresh_from_db()
    card_set(stripe_subscription, "pm_card_visa")
    paid_at_stripe = stripe.Invoice.pay(invoice.stripe_invoice_id, api_key=KEY)
    payload = _event("invoice.paid", json.loads(str(paid_at_stripe)), "evt_paid_at_stripe")

    # when Stripe's invoice.paid arrives, signed
    with django_capture_on_commit_callbacks() as enqueued:
        response = _deliver(endpoint, payload, _signed(payload))

    # then dj-stripe stored it (and its copy of the invoice), and enqueued it for billing once
    assert response.status_code == 200
    assert StripeEvent.objects.filter(id="evt_paid_at_stripe").exists()
    from djstripe.models import Invoice as StripeInvoice

    assert StripeInvoice.objects.get(id=invoice.stripe_invoice_id).status == "paid"
    assert len(enqueued) == 1
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.OPEN  # nothing happens in the web request

    # when the billing queue applies it
    assert stripe_event_apply(event_id="evt_paid_at_stripe") is True

    # then our invoice is paid and the subscription active again
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    assert invoice.payment_reference == invoice.stripe_invoice_id
    assert subscription_of(tenant).status == Subscription.Status.ACTIVE
    assert call_limits_of(tenant).is_restricted is False

    # when the same event is delivered again (a replay)
    with django_capture_on_commit_callbacks() as enqueued_again:
        replay = _deliver(endpoint, payload, _signed(payload))

    # then it is accepted, and nothing is enqueued or applied again
    assert replay.status_code == 200
    assert enqueued_again == []
    assert StripeEvent.objects.filter(id="evt_paid_at_stripe").count() == 1
    stripe_event_apply(event_id="evt_paid_at_stripe")  # a task that runs twice changes nothing
    assert event_types(tenant).count("billing.invoice.paid") == 1


@pytest.mark.slow
def test_stripe_unreachable_while_a_webhook_is_stored_answers_500_and_the_redelivery_works(
    tenant, stripe_subscription, stripe_server, endpoint, django_capture_on_commit_callbacks
):
    # given a paid Stripe invoice whose invoice.paid arrives while Stripe's API is down
    subscription_in_period(tenant, plan="pro")
    ledger_add(tenant, 100_250)
    invoice = invoice_close_period(organisation=tenant, period_start=NOV, now=AFTER_NOV)
    assert StripeProvider().invoice_collect(invoice=invoice) == "paid"
    invoice.refresh_from_db()
    remote = stripe.Invoice.retrieve(invoice.stripe_invoice_id, api_key=KEY)
    payload = _event("invoice.paid", json.loads(str(remote)), "evt_during_outage")
    stripe_server.fault(status=503, count=100, path="/v1/invoices/")
    client = Client(HTTP_HOST=settings.BASE_DOMAIN, raise_request_exception=False)

    # when it is delivered, then 500 (Stripe will deliver it again) and no Event is stored
    with django_capture_on_commit_callbacks() as enqueued:
        response = client.post(
            f"/stripe/webhook/{endpoint.djstripe_uuid}/",
            data=payload,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=_signed(payload),
        )
    assert response.status_code == 500
    assert not StripeEvent.objects.filter(id="evt_during_outage").exists()
    assert enqueued == []

    # when Stripe is back and delivers it again, then it is stored and enqueued once
    stripe_server.flush_faults()
    with django_capture_on_commit_callbacks() as enqueued:
        assert _deliver(endpoint, payload, _signed(payload)).status_code == 200
    assert StripeEvent.objects.filter(id="evt_during_outage").count() == 1
    assert len(enqueued) == 1


@pytest.mark.slow
def test_a_subscription_cancelled_at_stripe_is_made_again_by_the_next_sync(
    tenant, stripe_subscription, stripe_server, endpoint, django_capture_on_commit_callbacks
):
    # given the Stripe subscription cancelled in Stripe's dashboard
    old_id = stripe_subscription.stripe_subscription_id
    cancelled = stripe.Subscription.delete(old_id, api_key=KEY)
    payload = _event("customer.subscription.deleted", json.loads(str(cancelled)), "evt_sub_deleted")

    # when the event arrives and is applied
    with django_capture_on_commit_callbacks():
        assert _deliver(endpoint, payload, _signed(payload)).status_code == 200
    stripe_event_apply(event_id="evt_sub_deleted")

    # then billing forgot it (the plan in force is ours to decide)
    assert subscription_of(tenant).stripe_subscription_id == ""
    assert tenant.plan.code == "pro"

    # when the subscription is synced, then a new Stripe subscription mirrors the paid plan
    new_id = StripeProvider().subscription_sync(subscription=subscription_of(tenant))
    assert new_id and new_id != old_id
    assert stripe.Subscription.retrieve(new_id, api_key=KEY).status == "active"


def test_an_event_of_another_account_s_invoice_is_ignored(tenant):
    # an event whose object is none of ours: stored by dj-stripe, nothing for billing to do
    StripeEvent.objects.create(
        id="evt_not_ours",
        type="invoice.paid",
        livemode=False,
        data={"object": {"id": "in_not_ours", "object": "invoice", "metadata": {}}},
    )

    assert stripe_event_apply(event_id="evt_not_ours") is True
    assert "billing.invoice.paid" not in event_types(tenant)
    assert stripe_event_apply(event_id="evt_missing") is False
