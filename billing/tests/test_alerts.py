"""Billing alerts: 50/80/100 % of the included calls, budgets and the spend cap, once per
threshold and period — a row, an event in the live schema and an email to owners and admins."""

from datetime import timedelta

import pytest
from django.core import mail

from billing.models import BillingAlert
from billing.selectors import billing_alerts_of, period_bounds
from billing.services import billing_alerts_check, billing_settings_update
from billing.tests.support import event_types, events_of, ledger_add

pytestmark = pytest.mark.django_db


@pytest.fixture
def minute():
    return period_bounds()[0] + timedelta(minutes=5)


def _check(tenant, capture):
    with capture(execute=True):
        return billing_alerts_check(organisation=tenant)


def test_half_the_included_calls(tenant, minute, django_capture_on_commit_callbacks):
    # given: 50,000 of Pro's 100,000 included calls, and sandbox calls that never count
    ledger_add(tenant, 50_000, minute=minute)
    ledger_add(tenant, 90_000, minute=minute, mode="test")
    before = len(event_types(tenant))

    # when
    made = _check(tenant, django_capture_on_commit_callbacks)

    # then
    assert [alert.threshold for alert in made] == ["included:50"]
    (event,) = events_of(tenant)[before:]
    assert event.type == "billing.usage_threshold_reached" and event.livemode is True
    assert event.data["threshold"] == "included:50" and event.data["calls"] == 50_000
    (email,) = mail.outbox
    assert email.to == ["owner@alpha.test"]  # owners and admins; not the developer member
    assert "50% of the 100,000 calls included in the Pro plan" in email.body
    assert [a.threshold for a in billing_alerts_of(tenant)] == ["included:50"]


def test_each_threshold_once_per_period(tenant, minute, django_capture_on_commit_callbacks):
    ledger_add(tenant, 100_001, minute=minute)
    first = _check(tenant, django_capture_on_commit_callbacks)
    events = len(event_types(tenant))

    again = _check(tenant, django_capture_on_commit_callbacks)

    assert sorted(a.threshold for a in first) == ["included:100", "included:50", "included:80"]
    assert again == []
    assert len(event_types(tenant)) == events
    assert len(mail.outbox) == 3
    assert BillingAlert.objects.filter(organisation=tenant).count() == 3


def test_budgets_and_the_spend_cap(tenant, minute, django_capture_on_commit_callbacks):
    # given: $49 base + 12,000 overage calls ($12) = $61 so far; budgets $50 and $100; a $10 cap
    billing_settings_update(
        organisation=tenant, budget_amounts=[5_000, 10_000], spend_cap_amount=1_000
    )
    ledger_add(tenant, 112_000, minute=minute)
    before = len(event_types(tenant))

    made = {alert.threshold for alert in _check(tenant, django_capture_on_commit_callbacks)}

    assert {"budget:5000", "spend_cap:1000"} <= made and "budget:10000" not in made
    new_events = event_types(tenant)[before:]
    assert new_events.count("billing.spend_cap_reached") == 1
    assert any("10.00 USD" in email.body and "spend cap" in email.body for email in mail.outbox)


def test_nothing_below_the_thresholds(tenant, minute, django_capture_on_commit_callbacks):
    ledger_add(tenant, 49_999, minute=minute)
    assert _check(tenant, django_capture_on_commit_callbacks) == []
    assert mail.outbox == []
