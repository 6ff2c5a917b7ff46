"""Subscriptions: created at provisioning, read by subscription_of and call_limits_of."""

from decimal import Decimal

import pytest

from billing.models import Plan, Subscription
from billing.selectors import call_limits_of, period_bounds, subscription_of

pytestmark = pytest.mark.django_db


def test_provisioning_subscribes_the_organisation(tenant):
    subscription = subscription_of(tenant)
    assert subscription.organisation_id == tenant.pk
    assert subscription.status == Subscription.Status.ACTIVE
    assert subscription.provider == Subscription.Provider.MANUAL
    assert subscription.public_id.startswith("sub_")
    assert (subscription.current_period_start, subscription.current_period_end) == period_bounds()
    assert subscription.period_plan.code == "pro"
    # from the sandbox twin too
    assert subscription_of(tenant.sandbox).pk == subscription.pk


def test_seeded_prices_are_the_product_prices():
    prices = dict(Plan.objects.values_list("code", "overage_unit_price"))
    assert prices["free"] == prices["pro"] == prices["business"] == Decimal("0.1")
    free = Plan.objects.get(code="free")
    assert (free.included_calls, free.is_hard_cap) == (1_000, True)
    assert Plan.objects.get(code="enterprise").included_calls is None


def test_call_limits_of_a_pro_organisation(tenant):
    limits = call_limits_of(tenant)
    assert limits.quota_calls is None
    assert limits.spend_cap_calls is None
    assert limits.is_restricted is False
    assert limits.included_calls == 100_000
    assert limits.plan_code == "pro"
