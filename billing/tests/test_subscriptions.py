"""Subscriptions: created at provisioning, read by subscription_of and call_limits_of."""

from datetime import timedelta
from decimal import Decimal

import pytest

from billing.models import BillingAdjustment, Plan, Subscription
from billing.selectors import call_limits_of, period_bounds, subscription_as_dict, subscription_of
from billing.services import (
    BillingSettingsError,
    UnknownPlanError,
    billing_settings_update,
    subscription_cancel,
    subscription_change_plan,
    subscription_create,
    subscription_payment_method_set,
    subscription_resume,
    tenant_plan_change,
)
from billing.tests.support import DEC, NOV, event_types, ledger_add, subscription_in_period
from core.errors import BusinessRuleError, ConflictError

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


# --- Plan changes


def test_an_upgrade_takes_effect_at_once_with_a_prorated_charge(tenant):
    # given: Pro for November; the upgrade on the 21st at 00:00 leaves 10 of 30 days
    subscription_in_period(tenant, plan="pro")
    before = len(event_types(tenant))

    # when
    change = subscription_change_plan(
        organisation=tenant, plan="business", now=NOV + timedelta(days=20)
    )

    # then: (49,900 − 4,900) × 10/30 = 15,000
    tenant.refresh_from_db()
    assert tenant.plan.code == "business" and change.kind == "upgrade"
    assert change.proration.amount == 15_000
    assert change.proration.kind == BillingAdjustment.Kind.PRORATION
    assert change.proration.period_start == NOV and change.proration.invoice is None
    assert "Upgrade Pro to Business" in change.proration.description
    assert call_limits_of(tenant).included_calls == 1_000_000
    assert subscription_of(tenant).period_plan.code == "pro"  # the period's base fee stays Pro
    assert event_types(tenant)[before:] == ["billing.subscription_updated"]


def test_a_proration_rounds_half_up_once(tenant):
    subscription_in_period(tenant, plan="free")
    # Free → Pro with 20 days less one second of 30 left: 4,900 × that share = 3,266.66… → 3,267
    change = subscription_change_plan(
        organisation=tenant, plan="pro", now=NOV + timedelta(days=10, seconds=1)
    )
    expected = (Decimal(4900) * Decimal(20 * 86400 - 1) / Decimal(30 * 86400)).quantize(
        Decimal(1), rounding="ROUND_HALF_UP"
    )
    assert change.proration.amount == int(expected) == 3267


def test_a_downgrade_waits_for_the_period_end_and_can_be_withdrawn(tenant):
    subscription_in_period(tenant, plan="business")
    change = subscription_change_plan(organisation=tenant, plan="free")
    assert change.kind == "downgrade" and change.effective_at == DEC
    assert subscription_of(tenant).scheduled_plan.code == "free"
    tenant.refresh_from_db()
    assert tenant.plan.code == "business"
    assert not BillingAdjustment.objects.filter(organisation=tenant).exists()

    withdrawn = subscription_change_plan(organisation=tenant, plan="business")
    assert withdrawn.kind == "unchanged"
    assert subscription_of(tenant).scheduled_plan is None


def test_a_downgrade_below_current_usage_explains_what_happens(tenant):
    subscription_in_period(tenant, plan="pro")
    ledger_add(tenant, 5_000)
    change = subscription_change_plan(organisation=tenant, plan="free")
    assert "5,000 billable calls exceed Free's 1,000 included calls" in change.notice
    assert "refused (429 quota_exceeded)" in change.notice


@pytest.mark.parametrize("plan", ["platinum", "", None, 42])
def test_unknown_plans_are_refused(tenant, plan):
    before = len(event_types(tenant))
    with pytest.raises(UnknownPlanError) as refused:
        subscription_change_plan(organisation=tenant, plan=plan)
    assert refused.value.code == "unknown_plan" and refused.value.extra["field"] == "plan"
    tenant.refresh_from_db()
    assert tenant.plan.code == "pro" and len(event_types(tenant)) == before


def test_custom_plans_are_for_operators(tenant):
    custom = Plan.objects.create(
        code="acme-custom", name="Acme", monthly_price=99_00, included_calls=500_000,
        overage_unit_price=Decimal("0.05"), rate_per_second=50, burst=100, is_public=False,
    )  # fmt: skip
    with pytest.raises(BusinessRuleError) as refused:
        subscription_change_plan(organisation=tenant, plan="acme-custom")
    assert refused.value.code == "plan_not_available"
    with pytest.raises(BusinessRuleError) as refused:
        subscription_change_plan(organisation=tenant, plan="free", immediately=True)
    assert refused.value.code == "immediate_change_not_allowed"

    change = subscription_change_plan(organisation=tenant, plan=custom, is_operator=True)
    tenant.refresh_from_db()
    assert tenant.plan == custom and change.kind == "upgrade"


def test_the_plan_in_force_is_unchanged(tenant):
    with pytest.raises(ConflictError) as refused:
        subscription_change_plan(organisation=tenant, plan="pro")
    assert refused.value.code == "plan_unchanged"


def test_tenant_plan_change_is_immediate_for_operators_with_a_credit_for_downgrades(tenant):
    subscription_in_period(tenant, *period_bounds(), plan="business")
    tenant_plan_change(tenant=tenant, plan=Plan.objects.get(code="pro"))
    tenant.refresh_from_db()
    assert tenant.plan.code == "pro"
    credit = BillingAdjustment.objects.get(organisation=tenant)
    assert credit.amount < 0  # the unused part of the base-fee difference


def test_cancel_and_resume(tenant):
    subscription_cancel(organisation=tenant)
    assert subscription_of(tenant).cancel_at_period_end is True
    with pytest.raises(ConflictError) as refused:
        subscription_cancel(organisation=tenant)
    assert refused.value.code == "already_cancelling"

    subscription_resume(organisation=tenant)
    assert subscription_of(tenant).cancel_at_period_end is False
    with pytest.raises(ConflictError) as refused:
        subscription_resume(organisation=tenant)
    assert refused.value.code == "nothing_to_resume"


def test_free_has_nothing_to_cancel(tenant):
    subscription_in_period(tenant, plan="free")
    with pytest.raises(BusinessRuleError) as refused:
        subscription_cancel(organisation=tenant)
    assert refused.value.code == "nothing_to_cancel"


def test_a_second_subscription_is_refused(tenant):
    with pytest.raises(ConflictError) as refused:
        subscription_create(organisation=tenant)
    assert refused.value.code == "subscription_exists"
    assert Subscription.objects.filter(organisation=tenant).count() == 1


def test_a_trial_credits_the_base_fee_for_its_part_of_the_period(tenant):
    from billing.services import invoice_close_period
    from billing.tests.support import AFTER_NOV

    Subscription.objects.filter(organisation=tenant).delete()
    subscription = subscription_create(
        organisation=tenant, trial_days=14, now=NOV + timedelta(days=1)
    )
    assert subscription.status == Subscription.Status.TRIALING
    assert subscription.trial_end == NOV + timedelta(days=15)

    invoice = invoice_close_period(organisation=tenant, period_start=NOV, now=AFTER_NOV)

    lines = {line.kind: line.amount for line in invoice.lines.all()}
    # base fee from the 2nd: 4,900 × 29/30 = 4,736.67 → 4,737; trial 14 days: 2,286.67 → 2,287
    assert lines["base_fee"] == 4737 and lines["credit"] == -2287
    assert invoice.total == 2450
    assert subscription_of(tenant).status == Subscription.Status.ACTIVE  # trial over


@pytest.mark.parametrize("days", [0, -1, 91, 1.5, "7", True])
def test_bad_trials_are_refused(tenant, days):
    Subscription.objects.filter(organisation=tenant).delete()
    with pytest.raises(BusinessRuleError) as refused:
        subscription_create(organisation=tenant, trial_days=days)
    assert refused.value.code == "invalid_trial_days"
    assert not Subscription.objects.filter(organisation=tenant).exists()


# --- Billing settings and the limits they put on calls


def test_spend_cap_turns_into_calls(tenant):
    # overage cap $5 at $0.001 a call: 5,000 calls past the 100,000 included
    billing_settings_update(organisation=tenant, spend_cap_amount=500)
    assert call_limits_of(tenant).spend_cap_calls == 105_000
    # a total cap spends the $49 base fee first: $60 − $49 = $11 → 11,000 calls
    billing_settings_update(organisation=tenant, spend_cap_amount=6000, spend_cap_kind="total")
    limits = call_limits_of(tenant)
    assert limits.spend_cap_calls == 111_000 and limits.spend_cap_kind == "total"
    # a total cap below the base fee leaves the included calls
    billing_settings_update(organisation=tenant, spend_cap_amount=100)
    assert call_limits_of(tenant).spend_cap_calls == 100_000
    billing_settings_update(organisation=tenant, spend_cap_amount=None)
    assert call_limits_of(tenant).spend_cap_calls is None


def test_settings_write_an_event_and_keep_other_fields(tenant):
    before = len(event_types(tenant))
    billing_settings_update(organisation=tenant, budget_amounts=[20_000, 5_000])
    billing_settings_update(organisation=tenant, spend_cap_amount=700)
    subscription = subscription_of(tenant)
    assert subscription.budget_amounts == [5_000, 20_000]  # sorted
    assert subscription.spend_cap_amount == 700
    assert event_types(tenant)[before:] == ["billing.subscription_updated"] * 2


@pytest.mark.parametrize(
    ("fields", "code", "field"),
    [
        ({"spend_cap_amount": -1}, "amount_negative", "spend_cap_amount"),
        ({"spend_cap_amount": 10**10 + 1}, "amount_too_large", "spend_cap_amount"),
        ({"spend_cap_amount": 12.5}, "amount_not_integer", "spend_cap_amount"),
        ({"spend_cap_amount": "500"}, "amount_not_integer", "spend_cap_amount"),
        ({"spend_cap_amount": True}, "amount_not_integer", "spend_cap_amount"),
        ({"spend_cap_amount": Decimal("5")}, "amount_not_integer", "spend_cap_amount"),
        ({"spend_cap_amount": 0}, "spend_cap_zero", "spend_cap_amount"),
        ({"spend_cap_kind": "everything"}, "invalid_spend_cap_kind", "spend_cap_kind"),
        ({"budget_amounts": 500}, "budgets_not_a_list", "budget_amounts"),
        ({"budget_amounts": [100, -5]}, "amount_negative", "budget_amounts[1]"),
        ({"budget_amounts": [10**11]}, "amount_too_large", "budget_amounts[0]"),
        ({"budget_amounts": [1.5]}, "amount_not_integer", "budget_amounts[0]"),
        ({"budget_amounts": [0]}, "budget_zero", "budget_amounts[0]"),
        ({"budget_amounts": [100, 100]}, "duplicate_budget", "budget_amounts[1]"),
        ({"budget_amounts": list(range(1, 12))}, "too_many_budgets", "budget_amounts"),
        ({"pay_as_you_go": "yes"}, "invalid_pay_as_you_go", "pay_as_you_go"),
    ],
)
def test_bad_settings_are_refused_and_nothing_is_stored(tenant, fields, code, field):
    billing_settings_update(organisation=tenant, spend_cap_amount=900, budget_amounts=[1_000])
    before = subscription_as_dict(subscription_of(tenant))
    events = len(event_types(tenant))

    with pytest.raises(BillingSettingsError) as refused:
        # a valid change alongside the bad one is not stored either
        billing_settings_update(organisation=tenant, **{"spend_cap_amount": 500, **fields})

    assert (refused.value.code, refused.value.extra["field"]) == (code, field)
    assert subscription_as_dict(subscription_of(tenant)) == before
    assert len(event_types(tenant)) == events


def test_pay_as_you_go_needs_a_payment_method_and_lifts_the_hard_cap(tenant):
    subscription_in_period(tenant, plan="free")
    assert call_limits_of(tenant).quota_calls == 1_000
    with pytest.raises(BusinessRuleError) as refused:
        billing_settings_update(organisation=tenant, pay_as_you_go=True)
    assert refused.value.code == "payment_method_required"
    assert subscription_of(tenant).pay_as_you_go is False

    subscription_payment_method_set(organisation=tenant, has_payment_method=True)
    billing_settings_update(organisation=tenant, pay_as_you_go=True, spend_cap_amount=200)

    limits = call_limits_of(tenant)
    assert limits.quota_calls is None
    assert limits.spend_cap_calls == 1_000 + 2_000


def test_restriction_shows_in_the_limits(tenant):
    from datetime import UTC, datetime

    Subscription.objects.filter(organisation=tenant).update(restricted_at=datetime.now(UTC))
    limits = call_limits_of(tenant)
    assert limits.is_restricted is True and "past due" in limits.restricted_reason


def test_writes_that_change_limits_invalidate_the_gateway_caches(tenant):
    from core.invalidation import cache_invalidation_register

    calls = []

    def spy():
        calls.append(1)

    cache_invalidation_register("plan", spy)
    try:
        billing_settings_update(organisation=tenant, spend_cap_amount=500)
        assert calls, "billing_settings_update did not invalidate"
        calls.clear()
        subscription_change_plan(organisation=tenant, plan="business")
        assert calls, "an upgrade did not invalidate"
    finally:
        from core.invalidation import _callbacks

        _callbacks["plan"].remove(spy)
