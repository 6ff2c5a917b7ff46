"""StripeProvider against a real localstripe server: customers, subscriptions per paid plan,
invoices pushed line by line and paid, idempotency keys, retries, outages and declines."""

from datetime import UTC, datetime, timedelta

import pytest
import stripe

from billing.models import Invoice, Plan, Subscription
from billing.selectors import subscription_of
from billing.services import invoice_close_period
from billing.services.dunning import dunning_run
from billing.stripe.client import StripeUnavailableError, idempotency_key, stripe_call
from billing.stripe.provider import StripeProvider, stripe_plan_id
from billing.testing import LocalStripe
from billing.tests.conftest import card_set
from billing.tests.support import AFTER_NOV, NOV, event_types, ledger_add, subscription_in_period

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

KEY = LocalStripe.secret_key


def _posts(server, path_prefix: str) -> list[dict]:
    return [
        request
        for request in server.requests()
        if request["method"] == "POST" and request["path"].startswith(path_prefix)
    ]


def _closed_invoice(tenant, *, calls: int = 100_250) -> Invoice:
    """Tenant (Pro: $49, 100,000 included, $0.001 per call past them) closes November."""
    subscription_in_period(tenant, plan="pro")
    ledger_add(tenant, calls)
    invoice = invoice_close_period(organisation=tenant, period_start=NOV, now=AFTER_NOV)
    assert invoice.status == Invoice.Status.OPEN
    return invoice


def test_customer_is_created_once_per_organisation(tenant, stripe_subscription, stripe_server):
    # given a subscription moved to Stripe (stripe_billing_enable)
    customer = stripe.Customer.retrieve(stripe_subscription.stripe_customer_id, api_key=KEY)

    # then one customer, named after the organisation, carries our ids
    assert customer.name == tenant.name
    assert customer.email == "owner@alpha.test"
    assert customer.metadata["oc_organisation"] == tenant.slug
    assert customer.metadata["oc_subscription"] == stripe_subscription.public_id
    # when it is ensured again, nothing is asked of Stripe
    before = len(stripe_server.requests())
    assert StripeProvider().customer_ensure(subscription=stripe_subscription) == customer.id
    assert len(stripe_server.requests()) == before
    # and dj-stripe's tables mirror it
    from djstripe.models import Customer

    assert Customer.objects.filter(id=customer.id).exists()
    creates = _posts(stripe_server, "/v1/customers")
    assert [
        request["idempotency_key"] for request in creates if request["path"] == "/v1/customers"
    ] == [f"oc-{stripe_subscription.public_id}-customer"]


def test_paid_plan_has_a_zero_priced_stripe_subscription_that_follows_the_plan(
    tenant, stripe_subscription, stripe_server
):
    # given Pro (paid): a Stripe subscription on oc-pro-usd-month, priced at zero
    remote = stripe.Subscription.retrieve(stripe_subscription.stripe_subscription_id, api_key=KEY)
    pro = Plan.objects.get(code="pro")
    assert remote["items"]["data"][0]["plan"]["id"] == stripe_plan_id(pro) == "oc-pro-usd-month"
    assert remote["items"]["data"][0]["plan"]["amount"] == 0
    assert remote.metadata["oc_subscription"] == stripe_subscription.public_id

    # when the plan in force becomes Business, then the item's plan follows
    tenant.plan = Plan.objects.get(code="business")
    tenant.save(update_fields=["plan"])
    StripeProvider().subscription_sync(subscription=stripe_subscription)
    remote = stripe.Subscription.retrieve(stripe_subscription.stripe_subscription_id, api_key=KEY)
    assert remote["items"]["data"][0]["plan"]["id"] == "oc-business-usd-month"

    # when it becomes Free (no base fee), then the Stripe subscription is cancelled and forgotten
    stripe_id = stripe_subscription.stripe_subscription_id
    tenant.plan = Plan.objects.get(code="free")
    tenant.save(update_fields=["plan"])
    assert StripeProvider().subscription_sync(subscription=stripe_subscription) == ""
    assert stripe.Subscription.retrieve(stripe_id, api_key=KEY).status == "canceled"
    assert subscription_of(tenant).stripe_subscription_id == ""


def test_invoice_is_pushed_line_by_line_and_paid(tenant, stripe_subscription, stripe_server):
    # given November closed: base fee 4,900 + 250 overage calls × 0.1 = 25 → 4,925
    invoice = _closed_invoice(tenant)
    ours = [(line.amount, line.description) for line in invoice.lines.all() if line.amount]
    assert invoice.amount_due == 4925
    setup_requests = len(stripe_server.requests())

    # when it is collected
    assert StripeProvider().invoice_collect(invoice=invoice) == "paid"

    # then our invoice is paid, with the Stripe invoice's id
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    assert invoice.amount_paid == 4925 and invoice.paid_at is not None
    assert invoice.stripe_invoice_id.startswith("in_")
    assert invoice.payment_reference == invoice.stripe_invoice_id
    # and Stripe's invoice has exactly our lines, was charged our total, and is paid
    remote = stripe.Invoice.retrieve(invoice.stripe_invoice_id, api_key=KEY)
    assert remote.status == "paid" and remote.amount_paid == 4925 and remote.currency == "usd"
    lines = stripe.Invoice.list_lines(invoice.stripe_invoice_id, api_key=KEY, limit=100)
    assert sorted((line.amount, line.description) for line in lines.data) == sorted(ours)
    assert {line.metadata["oc_invoice"] for line in lines.data} == {invoice.public_id}
    assert remote.metadata["oc_number"] == invoice.number
    # and the tenant's live schema has the events
    assert event_types(tenant)[-1] == "billing.invoice.paid"
    # and every write to Stripe carried an Idempotency-Key derived from our ids
    posts = [r for r in stripe_server.requests()[setup_requests:] if r["method"] == "POST"]
    assert posts and all(request["idempotency_key"].startswith("oc-") for request in posts)
    pay_key = f"oc-{invoice.public_id}-pay-1-{invoice.stripe_invoice_id}"
    assert pay_key in {request["idempotency_key"] for request in posts}


def test_collecting_again_charges_nothing_more(tenant, stripe_subscription, stripe_server):
    invoice = _closed_invoice(tenant)
    assert StripeProvider().invoice_collect(invoice=invoice) == "paid"

    assert StripeProvider().invoice_collect(invoice=invoice) == "skipped"

    assert len(_posts(stripe_server, f"/v1/invoices/{invoice.stripe_invoice_id}/pay")) == 1
    assert (
        len([r for r in _posts(stripe_server, "/v1/invoices") if r["path"] == "/v1/invoices"]) == 1
    )
    assert event_types(tenant).count("billing.invoice.paid") == 1


def test_retries_429_and_5xx_with_the_same_idempotency_key(tenant, stripe_server):
    # given Stripe answers 429 then 503 to the next two customer creations
    stripe_server.fault(status=429, count=1, path="/v1/customers")
    stripe_server.fault(status=503, count=1, path="/v1/customers")
    waits = []

    # when a customer is created
    customer = stripe_call(
        stripe.Customer.create,
        idempotency_key=idempotency_key("test", "retry"),
        name="Retried",
        sleep=waits.append,
    )

    # then the third attempt made it, each attempt with the same key, after growing waits
    creates = _posts(stripe_server, "/v1/customers")
    assert [request["status"] for request in creates] == [429, 503, 200]
    assert {request["idempotency_key"] for request in creates} == {"oc-test-retry"}
    assert len(waits) == 2 and waits[1] >= waits[0] * 1.0 and all(wait > 0 for wait in waits)
    assert customer.name == "Retried"


def test_a_replayed_write_returns_the_first_answer(tenant, stripe_server):
    first = stripe_call(stripe.Customer.create, idempotency_key="oc-test-replay", name="Once")
    again = stripe_call(stripe.Customer.create, idempotency_key="oc-test-replay", name="Once")

    assert again.id == first.id
    assert [r.get("replayed", False) for r in _posts(stripe_server, "/v1/customers")] == [
        False,
        True,
    ]


def test_stripe_errors_are_not_retried(tenant, stripe_server):
    with pytest.raises(stripe.InvalidRequestError):
        stripe_call(stripe.Customer.retrieve, "cus_missing")
    assert (
        len([r for r in stripe_server.requests() if r["path"] == "/v1/customers/cus_missing"]) == 1
    )


def test_stripe_down_keeps_the_invoice_open_and_collection_resumes(
    tenant, stripe_subscription, stripe_server, settings
):
    # given a closed November and Stripe answering 503 to everything, on every attempt
    invoice = _closed_invoice(tenant)
    stripe_server.fault(status=503, count=settings.STRIPE_MAX_ATTEMPTS, path="/v1/invoices")
    before = datetime.now(UTC)

    # when it is collected
    assert StripeProvider().invoice_collect(invoice=invoice) == "postponed"

    # then it stays open, nothing is counted against the customer, and a retry is scheduled
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.OPEN and invoice.amount_due == 4925
    assert invoice.payment_attempts == 0
    assert "Stripe unreachable" in invoice.last_payment_error
    expected = before + timedelta(minutes=settings.BILLING_COLLECTION_RETRY_MINUTES)
    assert abs((invoice.next_payment_attempt_at - expected).total_seconds()) < 60
    subscription = subscription_of(tenant)
    assert subscription.status == Subscription.Status.ACTIVE and subscription.past_due_since is None
    assert "billing.invoice.payment_failed" not in event_types(tenant)

    # when the dunning beat runs once the retry is due (Stripe is back)
    report = dunning_run(now=invoice.next_payment_attempt_at + timedelta(seconds=1))

    # then the invoice is paid once, and Stripe holds one invoice with our lines, once each
    assert report.collected.get(invoice.public_id) == "paid"
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    creates = [r for r in _posts(stripe_server, "/v1/invoices") if r["path"] == "/v1/invoices"]
    assert [r["status"] for r in creates] == [503] * settings.STRIPE_MAX_ATTEMPTS + [200]
    assert {r["idempotency_key"] for r in creates} == {f"oc-{invoice.public_id}-invoice"}
    customer = stripe_subscription.stripe_customer_id
    remote_invoices = stripe.Invoice.list(customer=customer, api_key=KEY).data
    ours = [remote for remote in remote_invoices if remote.metadata.get("oc_invoice")]
    assert [remote.id for remote in ours] == [invoice.stripe_invoice_id]
    lines = stripe.Invoice.list_lines(invoice.stripe_invoice_id, api_key=KEY, limit=100).data
    assert sum(line.amount for line in lines) == 4925
    assert len(lines) == len({line.metadata["oc_line"] for line in lines})


def test_stripe_process_stopped_loses_nothing(tenant, stripe_subscription, stripe_server):
    # given November closed, and localstripe stopped (connection refused)
    invoice = _closed_invoice(tenant)
    stripe_server.stop()
    try:
        # when it is collected
        assert StripeProvider().invoice_collect(invoice=invoice) == "postponed"
        invoice.refresh_from_db()
        # then it is open with a retry scheduled
        assert invoice.status == Invoice.Status.OPEN and invoice.next_payment_attempt_at
        with pytest.raises(StripeUnavailableError):
            stripe_call(stripe.Customer.retrieve, stripe_subscription.stripe_customer_id)
    finally:
        stripe_server.start()  # same state file: Stripe comes back with its data

    # when the beat retries it once Stripe is back, then it is paid
    report = dunning_run(now=invoice.next_payment_attempt_at + timedelta(seconds=1))
    assert report.collected.get(invoice.public_id) == "paid"
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    remote = stripe.Invoice.retrieve(invoice.stripe_invoice_id, api_key=KEY)
    assert remote.amount_paid == 4925


def test_a_declined_card_starts_dunning(tenant, stripe_subscription, stripe_server, mailoutbox):
    # given a card that attaches but declines every charge
    card_set(stripe_subscription, "pm_card_chargeCustomerFail")
    invoice = _closed_invoice(tenant)
    before = datetime.now(UTC)

    # when it is collected
    assert StripeProvider().invoice_collect(invoice=invoice) == "failed"

    # then the invoice stays open, one attempt counted, next attempt a day after the failure
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.OPEN
    assert invoice.payment_attempts == 1
    assert invoice.last_payment_error == "Your card was declined."
    subscription = subscription_of(tenant)
    assert subscription.status == Subscription.Status.PAST_DUE
    assert subscription.past_due_since >= before
    assert invoice.next_payment_attempt_at == subscription.past_due_since + timedelta(days=1)
    assert subscription.restricted_at is None
    assert "billing.invoice.payment_failed" in event_types(tenant)
    # and Stripe counted one attempt too
    remote = stripe.Invoice.retrieve(invoice.stripe_invoice_id, api_key=KEY)
    assert remote.status == "open" and remote.attempt_count == 1


def test_a_stripe_invoice_that_does_not_add_up_is_not_charged(
    tenant, stripe_subscription, stripe_server
):
    # given a Stripe invoice for ours that someone added an item to at Stripe
    invoice = _closed_invoice(tenant)
    stripe_server.fault(status=503, count=100, path="/v1/invoices/")  # stop before paying
    StripeProvider().invoice_collect(invoice=invoice)
    stripe_server.flush_faults()
    invoice.refresh_from_db()
    stripe.InvoiceItem.create(
        customer=stripe_subscription.stripe_customer_id,
        invoice=invoice.stripe_invoice_id,
        amount=999,
        currency="usd",
        api_key=KEY,
    )

    # when it is collected
    assert StripeProvider().invoice_collect(invoice=invoice) == "postponed"

    # then nothing is charged, and the reason is on the invoice
    assert not _posts(stripe_server, f"/v1/invoices/{invoice.stripe_invoice_id}/pay")
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.OPEN
    assert "not charged" in invoice.last_payment_error


def test_a_credit_note_after_a_declined_payment_replaces_the_stripe_invoice(
    tenant, stripe_subscription, stripe_server
):
    from billing.services import credit_note_issue

    # given a declined payment (Stripe's invoice is finalised, 4,925 due)
    card_set(stripe_subscription, "pm_card_chargeCustomerFail")
    invoice = _closed_invoice(tenant)
    assert StripeProvider().invoice_collect(invoice=invoice) == "failed"
    invoice.refresh_from_db()
    first = invoice.stripe_invoice_id

    # when an operator credits 500 and the customer gives a card that pays
    credit_note_issue(invoice=invoice, amount=500, reason="Outage on Nov 12")
    card_set(stripe_subscription, "pm_card_visa")
    invoice.refresh_from_db()
    assert invoice.amount_due == 4425
    assert StripeProvider().invoice_collect(invoice=invoice) == "paid"

    # then the first Stripe invoice is void and a new one charged exactly what is due now
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID and invoice.stripe_invoice_id != first
    assert stripe.Invoice.retrieve(first, api_key=KEY).status == "void"
    remote = stripe.Invoice.retrieve(invoice.stripe_invoice_id, api_key=KEY)
    assert remote.status == "paid" and remote.amount_paid == 4425
    lines = stripe.Invoice.list_lines(invoice.stripe_invoice_id, api_key=KEY, limit=100).data
    assert [line.amount for line in lines if line.metadata["oc_line"] == "credit-500"] == [-500]


def test_an_invoice_paid_at_stripe_meanwhile_is_not_charged_again(
    tenant, stripe_subscription, stripe_server
):
    # given a declined attempt, then the customer paid the Stripe invoice at Stripe
    card_set(stripe_subscription, "pm_card_chargeCustomerFail")
    invoice = _closed_invoice(tenant)
    assert StripeProvider().invoice_collect(invoice=invoice) == "failed"
    invoice.refresh_from_db()
    card_set(stripe_subscription, "pm_card_visa")
    stripe.Invoice.pay(invoice.stripe_invoice_id, api_key=KEY)
    pays_before = len(_posts(stripe_server, f"/v1/invoices/{invoice.stripe_invoice_id}/pay"))

    # when the dunning retry collects it
    assert StripeProvider().invoice_collect(invoice=invoice) == "paid"

    # then nothing more is charged, and ours is paid
    assert (
        len(_posts(stripe_server, f"/v1/invoices/{invoice.stripe_invoice_id}/pay")) == pays_before
    )
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID and invoice.amount_paid == 4925
    assert subscription_of(tenant).status == Subscription.Status.ACTIVE


def test_a_collection_lost_at_finalisation_is_made_by_the_beat(
    tenant, stripe_subscription, stripe_server, settings
):
    # given a finalised invoice whose collection never ran (its on-commit call was lost: here
    # the test's transaction never commits, as a worker killed right after the close)
    invoice = _closed_invoice(tenant)
    assert invoice.payment_attempts == 0 and invoice.next_payment_attempt_at is None
    lease = timedelta(minutes=settings.BILLING_COLLECTION_RETRY_MINUTES)

    # when the beat runs before the lease is over, then it leaves it (the call may be running)
    early = dunning_run(now=invoice.finalised_at + lease - timedelta(seconds=1))
    assert invoice.public_id not in early.collected

    # when it runs after, then it collects it, once
    report = dunning_run(now=invoice.finalised_at + lease + timedelta(seconds=1))
    assert report.collected.get(invoice.public_id) == "paid"
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    assert invoice.public_id not in dunning_run(now=invoice.finalised_at + 2 * lease).collected
