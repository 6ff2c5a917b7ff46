"""Rating: a plan, a period's billable calls and its adjustments → invoice lines. Pure (no
database, no clock), so every rule is tested on its own.

Money is integer minor units (cents); unit prices are ``Decimal`` minor units (the product's
overage, $0.001 a call, is ``Decimal("0.1")``). **One rounding rule, once per line**: a line's
amount is ``quantity × unit_amount`` rounded half up to the minor unit (``ROUND_HALF_UP``); totals
are sums of rounded lines and are never rounded again. Prorations round the same way:
``amount × remaining seconds / period seconds``, half up, once.

Lines of a period invoice, in order:

1. ``base_fee`` — the base fee of the plan in force when the period began (``period_plan``); an
   upgrade during the period is billed by its own ``proration`` line instead. In the period a
   subscription started, prorated from its start.
2. a ``credit`` for the trial, when the period started in a trial: the base fee prorated over the
   trial's part of the period.
3. ``included_calls`` — billable calls up to the included ones of the plan in force at the close
   (all of them on an unlimited plan), at 0.
4. ``overage`` — billable calls past the included ones × the plan's unit price, when the plan bills
   overage (not on a hard-capped plan without pay-as-you-go: those calls were refused, and any
   that slipped through before the gateway's counter caught up are listed at 0).
5. every adjustment of the period (prorations, operator credits), as recorded.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

ONE = Decimal(1)


def money_round(value: Decimal) -> int:
    """The rounding rule: half up to the minor unit."""
    return int(value.quantize(ONE, rounding=ROUND_HALF_UP))


def line_amount(quantity: int, unit_amount: Decimal) -> int:
    return money_round(Decimal(quantity) * Decimal(unit_amount))


def period_fraction(*, start: datetime, end: datetime, period_start, period_end) -> Decimal:
    """The share of [period_start, period_end) that [start, end) covers (0–1, by seconds)."""
    start = max(start, period_start)
    end = min(end, period_end)
    if end <= start:
        return Decimal(0)
    covered = Decimal((end - start).total_seconds())
    return covered / Decimal((period_end - period_start).total_seconds())


def proration_amount(amount: int, *, start, end, period_start, period_end) -> int:
    """``amount`` (per period) for the part [start, end) of the period, rounded once."""
    fraction = period_fraction(
        start=start, end=end, period_start=period_start, period_end=period_end
    )
    return money_round(Decimal(amount) * fraction)


def base_fee_amount(*, plan, subscription=None) -> int:
    """The base fee a period bills for ``plan`` (before any trial credit)."""
    return int(plan.monthly_price)


@dataclass(frozen=True)
class RatedLine:
    kind: str
    description: str
    quantity: int
    unit_amount: Decimal
    amount: int
    period_start: datetime
    period_end: datetime


@dataclass(frozen=True)
class AdjustmentInput:
    kind: str
    description: str
    quantity: int
    unit_amount: Decimal
    amount: int


@dataclass(frozen=True)
class RatedPeriod:
    lines: list[RatedLine]
    subtotal: int
    calls_billable: int
    included_used: int
    overage_calls: int


def _calls(n: int) -> str:
    return f"{n:,}"


def period_rate(
    *,
    plan,
    base_plan,
    period_start: datetime,
    period_end: datetime,
    billable_calls: int,
    bills_overage: bool,
    adjustments: list[AdjustmentInput] = (),
    trial_end: datetime | None = None,
    started_at: datetime | None = None,
) -> RatedPeriod:
    """Rate a period (see module). ``plan``: in force at the close (included calls, unit
    price); ``base_plan``: in force when the period began (base fee)."""
    if billable_calls < 0:
        raise ValueError("billable_calls must not be negative")
    lines: list[RatedLine] = []

    def add(kind, description, quantity, unit_amount, amount):
        lines.append(
            RatedLine(
                kind=kind,
                description=description,
                quantity=quantity,
                unit_amount=Decimal(unit_amount),
                amount=amount,
                period_start=period_start,
                period_end=period_end,
            )
        )

    monthly = base_fee_amount(plan=base_plan)
    billed_from = period_start
    description = f"{base_plan.name} plan, base fee"
    base = monthly
    if started_at is not None and started_at > period_start:
        billed_from = started_at
        base = proration_amount(
            monthly, start=started_at, end=period_end, period_start=period_start,
            period_end=period_end,
        )  # fmt: skip
        description += f" (from {started_at:%Y-%m-%d %H:%M} UTC)"
    if base:
        add("base_fee", description, 1, Decimal(base), base)
        if trial_end is not None and trial_end > billed_from:
            credit = proration_amount(
                monthly,
                start=billed_from,
                end=trial_end,
                period_start=period_start,
                period_end=period_end,
            )
            if credit:
                add("credit", f"Trial until {trial_end:%Y-%m-%d}", 1, Decimal(-credit), -credit)

    included = plan.included_calls
    if included is None:
        included_used, overage_calls = billable_calls, 0
        add("included_calls", f"Calls ({plan.name}: unlimited)", billable_calls, 0, 0)
    else:
        included_used = min(billable_calls, included)
        overage_calls = billable_calls - included_used
        add(
            "included_calls",
            f"Included calls ({_calls(included_used)} of {_calls(included)})",
            included_used,
            0,
            0,
        )
    if overage_calls:
        if bills_overage:
            unit = Decimal(plan.overage_unit_price)
            add(
                "overage",
                f"Calls past the included {_calls(included)}",
                overage_calls,
                unit,
                line_amount(overage_calls, unit),
            )
        else:
            add("overage", "Calls past the quota (not billed)", overage_calls, 0, 0)

    for adjustment in adjustments:
        add(
            adjustment.kind,
            adjustment.description,
            adjustment.quantity,
            adjustment.unit_amount,
            adjustment.amount,
        )
    return RatedPeriod(
        lines=lines,
        subtotal=sum(line.amount for line in lines),
        calls_billable=billable_calls,
        included_used=included_used,
        overage_calls=overage_calls,
    )
