"""The price list as the pricing page shows it, and the cost calculator's arithmetic.

Prices are stored in minor units (cents; the overage per call is a decimal fraction of a cent).
The calculator is computed here for the no-JavaScript form and again in static/js/pricing.js
from the same numbers (data attributes on each plan row), so both always agree.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from billing.selectors import plan_get, plans_public

CURRENCY_SYMBOLS = {"usd": "$", "eur": "€", "gbp": "£"}
MAX_CALCULATOR_CALLS = 10_000_000_000


@dataclass(frozen=True)
class PricedPlan:
    code: str
    name: str
    currency: str
    monthly_price: int  # minor units
    included_calls: int | None  # None: unlimited / by contract
    is_hard_cap: bool
    overage_unit_price: Decimal  # minor units per call
    rate_per_second: int
    burst: int

    @property
    def is_custom(self) -> bool:
        """Priced by contract (Enterprise): no list price, no included calls."""
        return self.included_calls is None

    @property
    def symbol(self) -> str:
        return CURRENCY_SYMBOLS.get(self.currency.lower(), self.currency.upper() + " ")

    @property
    def price_text(self) -> str:
        if self.is_custom:
            return "Custom"
        return money_text(Decimal(self.monthly_price), self.symbol, whole=True)

    @property
    def overage_text(self) -> str:
        if self.is_hard_cap:
            return "Calls past the included ones are refused (hard cap)"
        if self.is_custom:
            return "By contract"
        return f"{money_text(self.overage_unit_price, self.symbol)} per extra call"

    def cost_for(self, calls: int) -> Decimal | None:
        """Minor units for ``calls`` calls in a month; None when the plan cannot serve them."""
        if self.is_custom:
            return None
        extra = max(0, calls - (self.included_calls or 0))
        if extra and self.is_hard_cap:
            return None
        return Decimal(self.monthly_price) + self.overage_unit_price * extra


def money_text(minor_units: Decimal, symbol: str, *, whole: bool = False) -> str:
    """Minor units as money: 4900 → "$49", 0.1 → "$0.001", 12345 → "$123.45"."""
    major = Decimal(str(minor_units)) / 100
    if whole and major == major.to_integral_value():
        return f"{symbol}{int(major):,}"
    if major != 0 and abs(major) < Decimal("0.01"):
        return f"{symbol}{major.normalize():f}"
    return f"{symbol}{major.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,}"


def priced_plans() -> list[PricedPlan]:
    """The public plans, in listing order, with their prices (read defensively: a row without a
    price field is priced from the plan itself)."""
    plans = []
    for listed in plans_public():
        plan = plan_get(code=listed["code"])
        if plan is None:
            continue
        plans.append(
            PricedPlan(
                code=plan.code,
                name=plan.name,
                currency=getattr(plan, "currency", "usd") or "usd",
                monthly_price=int(getattr(plan, "monthly_price", 0) or 0),
                included_calls=plan.included_calls,
                is_hard_cap=plan.is_hard_cap,
                overage_unit_price=Decimal(getattr(plan, "overage_unit_price", 0) or 0),
                rate_per_second=plan.rate_per_second,
                burst=plan.burst,
            )
        )
    return plans


@dataclass(frozen=True)
class Estimate:
    plan: PricedPlan
    cost: Decimal | None
    cost_text: str
    is_cheapest: bool = False


def estimates_for(plans: list[PricedPlan], calls: int) -> list[Estimate]:
    costs = [(plan, plan.cost_for(calls)) for plan in plans]
    possible = [cost for _, cost in costs if cost is not None]
    cheapest = min(possible) if possible else None
    estimates = []
    for plan, cost in costs:
        if cost is None:
            text = "Contact us" if plan.is_custom else "Over the hard cap"
        else:
            text = money_text(cost, plan.symbol) + " / month"
        estimates.append(
            Estimate(
                plan=plan,
                cost=cost,
                cost_text=text,
                is_cheapest=cost is not None and cost == cheapest,
            )
        )
    # Only the first of several equally cheap plans is marked.
    marked = False
    result = []
    for estimate in estimates:
        if estimate.is_cheapest and marked:
            estimate = Estimate(estimate.plan, estimate.cost, estimate.cost_text, False)
        marked = marked or estimate.is_cheapest
        result.append(estimate)
    return result
