"""Rating is pure: plans as plain objects, no database."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from billing.rating import (
    AdjustmentInput,
    line_amount,
    money_round,
    period_rate,
    proration_amount,
)

NOV = datetime(2026, 11, 1, tzinfo=UTC)
DEC = datetime(2026, 12, 1, tzinfo=UTC)


@dataclass
class FakePlan:
    name: str = "Pro"
    monthly_price: int = 4900
    included_calls: int | None = 100_000
    overage_unit_price: Decimal = Decimal("0.1")


def _rate(calls, plan=None, **kwargs):
    plan = plan or FakePlan()
    kwargs.setdefault("bills_overage", True)
    return period_rate(
        plan=plan,
        base_plan=kwargs.pop("base_plan", plan),
        period_start=NOV,
        period_end=DEC,
        billable_calls=calls,
        **kwargs,
    )


@pytest.mark.parametrize(
    ("value", "rounded"),
    [("0.5", 1), ("1.5", 2), ("2.5", 3), ("2.4999", 2), ("-0.5", -1), ("-1.4", -1)],
)
def test_half_up(value, rounded):
    assert money_round(Decimal(value)) == rounded


@pytest.mark.parametrize(
    ("calls", "amount"),
    [(0, 0), (1, 0), (4, 0), (5, 1), (14, 1), (15, 2), (12_345, 1235), (10**9, 10**8)],
)
def test_overage_lines_round_once(calls, amount):
    assert line_amount(calls, Decimal("0.1")) == amount


def test_pro_with_overage():
    rated = _rate(150_000)
    assert [(line.kind, line.amount) for line in rated.lines] == [
        ("base_fee", 4900),
        ("included_calls", 0),
        ("overage", 5000),
    ]
    assert (rated.included_used, rated.overage_calls, rated.subtotal) == (100_000, 50_000, 9900)


def test_unlimited_plan_bills_no_overage():
    plan = FakePlan(name="Enterprise", monthly_price=0, included_calls=None)
    rated = _rate(5_000_000, plan=plan)
    assert [(line.kind, line.quantity, line.amount) for line in rated.lines] == [
        ("included_calls", 5_000_000, 0)
    ]


def test_hard_cap_without_pay_as_you_go_lists_but_does_not_bill():
    plan = FakePlan(name="Free", monthly_price=0, included_calls=1_000)
    rated = _rate(1_010, plan=plan, bills_overage=False)
    assert rated.lines[-1].kind == "overage" and rated.lines[-1].amount == 0
    assert rated.subtotal == 0


def test_base_fee_of_the_period_plan_and_allowance_of_the_plan_at_close():
    rated = _rate(
        900_000,
        plan=FakePlan(name="Business", monthly_price=49_900, included_calls=1_000_000),
        base_plan=FakePlan(),
        adjustments=[AdjustmentInput("proration", "Upgrade", 1, Decimal(15_000), 15_000)],
    )
    assert [(line.kind, line.amount) for line in rated.lines] == [
        ("base_fee", 4900),
        ("included_calls", 0),
        ("proration", 15_000),
    ]
    assert rated.subtotal == 19_900


def test_proration_by_seconds():
    half = NOV + timedelta(days=15)
    assert proration_amount(4900, start=half, end=DEC, period_start=NOV, period_end=DEC) == 2450
    assert proration_amount(4900, start=DEC, end=DEC, period_start=NOV, period_end=DEC) == 0
    # clamped to the period
    before = NOV - timedelta(days=3)
    assert proration_amount(4900, start=before, end=DEC, period_start=NOV, period_end=DEC) == 4900


def test_negative_calls_are_refused():
    with pytest.raises(ValueError, match="negative"):
        _rate(-1)
