"""Dunning: failed payments, the retry schedule, restriction after N days, restoration at once
(billing.services.dunning), with the providers' own collection left to test_stripe*.py."""

from datetime import timedelta

import pytest

from billing.models import Invoice, Subscription
from billing.selectors import call_limits_of, subscription_of
from billing.services import invoice_close_period
from billing.services.dunning import (
    dunning_run,
    invoice_payment_failed,
    invoice_payment_succeeded,
    invoices_in_dunning_retry_now,
    next_payment_attempt,
    subscription_provider_set,
)
from billing.tests.support import AFTER_NOV, NOV, event_types, ledger_add, subscription_in_period
from core.errors import BusinessRuleError
from core.testing import problem

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_invoice(tenant):
    """November closed for the tenant (Pro): an open invoice of 4,925 (base fee + overage)."""
    subscription_in_period(tenant, plan="pro")
    ledger_add(tenant, 100_250)
    invoice = invoice_close_period(organisation=tenant, period_start=NOV, now=AFTER_NOV)
    assert invoice.status == Invoice.Status.OPEN and invoice.amount_due == 4925
    return invoice


@pytest.fixture
def stripe_billed(tenant):
    """The tenant's invoices are collected by Stripe (retries are scheduled); no call is made
    to Stripe by the dunning services themselves."""
    return subscription_provider_set(subscription=subscription_of(tenant), provider="stripe")


def test_a_failed_payment_makes_the_subscription_past_due_and_emails_the_owners(
    tenant, open_invoice, stripe_billed, mailoutbox, django_capture_on_commit_callbacks
):
    # when a payment attempt fails
    with django_capture_on_commit_callbacks(execute=True):
        invoice = invoice_payment_failed(
            invoice=open_invoice, message="Your card was declined.", attempt=1, now=AFTER_NOV
        )

    # then the subscription is past due since now, the invoice open with a retry tomorrow
    subscription = subscription_of(tenant)
    assert subscription.status == Subscription.Status.PAST_DUE
    assert subscription.past_due_since == AFTER_NOV
    assert subscription.restricted_at is None
    assert invoice.status == Invoice.Status.OPEN
    assert invoice.payment_attempts == 1
    assert invoice.next_payment_attempt_at == AFTER_NOV + timedelta(days=1)
    assert invoice.last_payment_error == "Your card was declined."
    # and the live schema has the events, in order
    assert event_types(tenant)[-2:] == [
        "billing.invoice.payment_failed",
        "billing.subscription_updated",
    ]
    # and the owners got an email naming the invoice, the reason and the next attempt
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["owner@alpha.test"]
    assert invoice.number in mail.subject
    assert "Your card was declined." in mail.body and "49.25 USD" in mail.body
    assert (AFTER_NOV + timedelta(days=1)).strftime("%Y-%m-%d") in mail.body
    # and live calls still go through (restriction comes later)
    assert call_limits_of(tenant).is_restricted is False


@pytest.mark.parametrize(
    ("attempts", "days"), [(1, 1), (2, 3), (3, 5), (4, 7), (5, None), (0, None)]
)
def test_the_retry_schedule_counts_from_the_first_failure(attempts, days):
    expected = None if days is None else AFTER_NOV + timedelta(days=days)
    assert next_payment_attempt(past_due_since=AFTER_NOV, attempts=attempts) == expected


def test_the_schedule_is_a_setting(settings):
    settings.BILLING_DUNNING_RETRY_DAYS = [2]
    assert next_payment_attempt(past_due_since=AFTER_NOV, attempts=1) == AFTER_NOV + timedelta(2)
    assert next_payment_attempt(past_due_since=AFTER_NOV, attempts=2) is None


def test_each_attempt_is_counted_once(
    tenant, open_invoice, stripe_billed, mailoutbox, django_capture_on_commit_callbacks
):
    # given the first attempt recorded (the synchronous answer)
    with django_capture_on_commit_callbacks(execute=True):
        invoice_payment_failed(invoice=open_invoice, message="declined", attempt=1, now=AFTER_NOV)
        # when the same attempt is reported again (the webhook)
        invoice = invoice_payment_failed(
            invoice=open_invoice, message="declined", attempt=1, now=AFTER_NOV + timedelta(hours=1)
        )

    # then nothing changed the second time
    assert invoice.payment_attempts == 1
    assert invoice.next_payment_attempt_at == AFTER_NOV + timedelta(days=1)
    assert event_types(tenant).count("billing.invoice.payment_failed") == 1
    assert len(mailoutbox) == 1

    # when the next attempt fails, then the next retry is day 3 after the first failure
    invoice = invoice_payment_failed(
        invoice=open_invoice, message="declined", attempt=2, now=AFTER_NOV + timedelta(days=1)
    )
    assert invoice.payment_attempts == 2
    assert invoice.next_payment_attempt_at == AFTER_NOV + timedelta(days=3)
    assert subscription_of(tenant).past_due_since == AFTER_NOV


def test_the_manual_provider_schedules_no_retry(tenant, open_invoice):
    invoice = invoice_payment_failed(invoice=open_invoice, message="bounced", now=AFTER_NOV)

    assert invoice.payment_attempts == 1 and invoice.next_payment_attempt_at is None
    assert subscription_of(tenant).status == Subscription.Status.PAST_DUE


def test_restriction_after_the_setting_days_past_due(
    tenant, open_invoice, mailoutbox, django_capture_on_commit_callbacks, settings
):
    # given a failed payment (manual provider: no automatic retry to make)
    invoice_payment_failed(invoice=open_invoice, message="bounced", now=AFTER_NOV)
    restrict_at = AFTER_NOV + timedelta(days=settings.BILLING_DUNNING_RESTRICT_AFTER_DAYS)

    # when the beat runs a minute before the limit, then nothing is restricted
    assert tenant.slug not in dunning_run(now=restrict_at - timedelta(minutes=1)).restricted
    assert subscription_of(tenant).restricted_at is None

    # when it runs at the limit
    with django_capture_on_commit_callbacks(execute=True):
        report = dunning_run(now=restrict_at)

    # then the tenant is restricted: unpaid, live calls refused with payment_required
    assert tenant.slug in report.restricted
    subscription = subscription_of(tenant)
    assert subscription.status == Subscription.Status.UNPAID
    assert subscription.restricted_at == restrict_at
    limits = call_limits_of(tenant)
    assert limits.is_restricted is True and "past due" in limits.restricted_reason
    assert event_types(tenant)[-2:] == ["billing.subscription_updated", "billing.payment_required"]
    assert [mail.subject for mail in mailoutbox] == [
        f"[OpenChance] Live API access suspended for {tenant.name}: payment required"
    ]
    assert "402 payment_required" in mailoutbox[0].body

    # when it runs again, then nothing more happens
    assert tenant.slug not in dunning_run(now=restrict_at + timedelta(days=1)).restricted
    assert event_types(tenant).count("billing.payment_required") == 1


def test_a_payment_restores_a_restricted_tenant_at_once(
    tenant, open_invoice, mailoutbox, django_capture_on_commit_callbacks, settings
):
    # given a restricted tenant
    invoice_payment_failed(invoice=open_invoice, message="bounced", now=AFTER_NOV)
    dunning_run(now=AFTER_NOV + timedelta(days=settings.BILLING_DUNNING_RESTRICT_AFTER_DAYS))
    assert call_limits_of(tenant).is_restricted is True

    # when the invoice is paid
    with django_capture_on_commit_callbacks(execute=True):
        invoice = invoice_payment_succeeded(invoice=open_invoice, reference="bank transfer 42")

    # then the restriction is gone at once, the subscription active again
    assert call_limits_of(tenant).is_restricted is False
    subscription = subscription_of(tenant)
    assert subscription.status == Subscription.Status.ACTIVE
    assert subscription.past_due_since is None and subscription.restricted_at is None
    assert invoice.status == Invoice.Status.PAID and invoice.amount_paid == 4925
    assert invoice.payment_reference == "bank transfer 42"
    assert invoice.next_payment_attempt_at is None and invoice.last_payment_error == ""
    assert event_types(tenant)[-3:] == [
        "billing.invoice.paid",
        "billing.subscription_updated",
        "billing.payment_restored",
    ]
    assert mailoutbox[-1].subject.startswith("[OpenChance] Payment received")


def test_a_paid_invoice_is_paid_once(tenant, open_invoice):
    first = invoice_payment_succeeded(invoice=open_invoice, reference="first")
    again = invoice_payment_succeeded(invoice=open_invoice, reference="second")

    assert again.payment_reference == "first" and again.paid_at == first.paid_at
    assert event_types(tenant).count("billing.invoice.paid") == 1


def test_a_failure_reported_after_the_payment_changes_nothing(tenant, open_invoice):
    invoice_payment_succeeded(invoice=open_invoice)

    invoice = invoice_payment_failed(invoice=open_invoice, message="late webhook", attempt=1)

    assert invoice.status == Invoice.Status.PAID and invoice.payment_attempts == 0
    assert subscription_of(tenant).status == Subscription.Status.ACTIVE
    assert "billing.invoice.payment_failed" not in event_types(tenant)


def test_only_an_open_invoice_can_be_paid(tenant):
    # given a draft (not finalised) invoice
    subscription_in_period(tenant, plan="pro")
    draft = invoice_close_period(
        organisation=tenant, period_start=NOV, now=AFTER_NOV, finalise=False
    )
    assert draft.status == Invoice.Status.DRAFT

    with pytest.raises(BusinessRuleError) as refused:
        invoice_payment_succeeded(invoice=draft)

    assert refused.value.code == "invoice_not_payable"
    draft.refresh_from_db()
    assert draft.status == Invoice.Status.DRAFT and draft.paid_at is None
    assert "billing.invoice.paid" not in event_types(tenant)


def test_another_organisation_is_untouched(tenant, other_tenant, open_invoice, settings):
    invoice_payment_failed(invoice=open_invoice, message="bounced", now=AFTER_NOV)
    dunning_run(now=AFTER_NOV + timedelta(days=settings.BILLING_DUNNING_RESTRICT_AFTER_DAYS))

    assert call_limits_of(tenant).is_restricted is True
    other = subscription_of(other_tenant)
    assert other.status == Subscription.Status.ACTIVE and other.restricted_at is None
    assert call_limits_of(other_tenant).is_restricted is False


def test_a_new_payment_method_retries_invoices_in_dunning_now(tenant, open_invoice, stripe_billed):
    invoice_payment_failed(invoice=open_invoice, message="declined", attempt=1, now=AFTER_NOV)
    later = AFTER_NOV + timedelta(hours=5)

    assert invoices_in_dunning_retry_now(organisation=tenant, now=later) == 1

    open_invoice.refresh_from_db()
    assert open_invoice.next_payment_attempt_at == later


def test_an_unknown_provider_is_refused(tenant):
    with pytest.raises(BusinessRuleError) as refused:
        subscription_provider_set(subscription=subscription_of(tenant), provider="paypal")

    assert refused.value.code == "invalid_provider"
    assert subscription_of(tenant).provider == Subscription.Provider.MANUAL


def test_the_gateway_refuses_live_calls_while_restricted_and_follows_the_payment_at_once(
    tenant, open_invoice, api_client, sandbox_api_client, settings
):
    # given a warm live key, and the tenant restricted by dunning
    assert api_client.get("/v1/me").status_code == 200
    invoice_payment_failed(invoice=open_invoice, message="bounced", now=AFTER_NOV)
    dunning_run(now=AFTER_NOV + timedelta(days=settings.BILLING_DUNNING_RESTRICT_AFTER_DAYS))

    # then live calls answer 402 payment_required; the sandbox keeps working
    problem(api_client.get("/v1/me"), 402, "payment_required")
    assert sandbox_api_client.get("/v1/me").status_code == 200

    # when the invoice is paid, then the very next live call goes through
    invoice_payment_succeeded(invoice=open_invoice, reference="wire")
    assert api_client.get("/v1/me").status_code == 200
