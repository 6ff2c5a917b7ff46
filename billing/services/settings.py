"""Writes of a tenant's billing settings: the spend cap, budget alerts and pay-as-you-go.

Amounts are integer minor units of the plan's currency (cents). Validation is strict and each
refusal names its field and a specific code, so the API turns it into a precise problem:

- ``amount_not_integer`` — not a whole number (floats, strings, booleans, decimals are refused:
  money never passes through binary floating point);
- ``amount_negative``; ``amount_too_large`` — past ``AMOUNT_MAX`` (10^10 minor units, $100M);
- ``spend_cap_zero`` — a cap of 0 would refuse every overage call; use a small cap or ``None``;
- ``invalid_spend_cap_kind`` — not ``overage`` or ``total``;
- ``budgets_not_a_list``, ``too_many_budgets`` (past ``BUDGETS_MAX``), ``budget_zero``,
  ``duplicate_budget``;
- ``invalid_pay_as_you_go`` (not a boolean), ``payment_method_required`` (pay-as-you-go needs a
  payment method on file).

Nothing is stored unless every field is valid. A cap may be set below what the period has spent
already: live calls are then refused at once (402 ``spend_cap_reached``); raising or removing it
lifts the block at the gateway's next call (``caches_invalidate("plan")``).
"""

from django.db import transaction

from billing.models import Subscription
from billing.selectors import subscription_as_dict
from billing.services._common import billing_event_emit
from billing.services.subscriptions import subscription_lock
from core.errors import BusinessRuleError, DomainError
from core.invalidation import caches_invalidate

AMOUNT_MAX = 10**10
BUDGETS_MAX = 10
UNSET = object()


class BillingSettingsError(DomainError):
    status = 400
    code = "invalid_billing_settings"
    title = "Invalid billing settings"


def _amount_validate(value, *, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise BillingSettingsError(
            f"{field} must be a whole number of minor units (cents), got {value!r}.",
            code="amount_not_integer",
            field=field,
        )
    if value < 0:
        raise BillingSettingsError(
            f"{field} must not be negative.", code="amount_negative", field=field
        )
    if value > AMOUNT_MAX:
        raise BillingSettingsError(
            f"{field} must be at most {AMOUNT_MAX:,} minor units.",
            code="amount_too_large",
            field=field,
        )
    return value


def _budgets_validate(values) -> list[int]:
    if not isinstance(values, list | tuple):
        raise BillingSettingsError(
            "budget_amounts must be a list of amounts in minor units.",
            code="budgets_not_a_list",
            field="budget_amounts",
        )
    if len(values) > BUDGETS_MAX:
        raise BillingSettingsError(
            f"At most {BUDGETS_MAX} budget amounts.",
            code="too_many_budgets",
            field="budget_amounts",
        )
    budgets = []
    for index, value in enumerate(values):
        field = f"budget_amounts[{index}]"
        amount = _amount_validate(value, field=field)
        if amount == 0:
            raise BillingSettingsError(
                "A budget amount must be positive.", code="budget_zero", field=field
            )
        if amount in budgets:
            raise BillingSettingsError(
                f"Budget amount {amount} is listed twice.", code="duplicate_budget", field=field
            )
        budgets.append(amount)
    return sorted(budgets)


def billing_settings_update(
    *,
    organisation,
    spend_cap_amount=UNSET,
    spend_cap_kind=UNSET,
    budget_amounts=UNSET,
    pay_as_you_go=UNSET,
) -> Subscription:
    """Change the given settings (others untouched; ``spend_cap_amount=None`` removes the cap).
    Raises ``BillingSettingsError`` / ``BusinessRuleError`` (see module) with nothing stored.
    Emits ``billing.subscription_updated``; the gateway follows at its next call."""
    changes: dict = {}
    if spend_cap_amount is not UNSET:
        if spend_cap_amount is not None:
            _amount_validate(spend_cap_amount, field="spend_cap_amount")
            if spend_cap_amount == 0:
                raise BillingSettingsError(
                    "A spend cap of 0 would refuse every billed call; remove the cap (null) or "
                    "set a positive amount.",
                    code="spend_cap_zero",
                    field="spend_cap_amount",
                )
        changes["spend_cap_amount"] = spend_cap_amount
    if spend_cap_kind is not UNSET:
        if spend_cap_kind not in Subscription.SpendCapKind.values:
            raise BillingSettingsError(
                f"spend_cap_kind must be one of {', '.join(Subscription.SpendCapKind.values)}.",
                code="invalid_spend_cap_kind",
                field="spend_cap_kind",
            )
        changes["spend_cap_kind"] = spend_cap_kind
    if budget_amounts is not UNSET:
        changes["budget_amounts"] = _budgets_validate(budget_amounts)
    if pay_as_you_go is not UNSET:
        if not isinstance(pay_as_you_go, bool):
            raise BillingSettingsError(
                "pay_as_you_go must be true or false.",
                code="invalid_pay_as_you_go",
                field="pay_as_you_go",
            )
        changes["pay_as_you_go"] = pay_as_you_go
    with transaction.atomic():
        subscription = subscription_lock(organisation)
        if changes.get("pay_as_you_go") and not subscription.has_payment_method:
            raise BusinessRuleError(
                "Pay-as-you-go bills calls past the included ones: add a payment method first.",
                code="payment_method_required",
                field="pay_as_you_go",
            )
        if not changes:
            return subscription
        for name, value in changes.items():
            setattr(subscription, name, value)
        subscription.save(update_fields=[*changes, "updated_at"])
        billing_event_emit(
            organisation=subscription.organisation,
            type="billing.subscription_updated",
            data=subscription_as_dict(subscription),
        )
    caches_invalidate("plan")
    return subscription
