"""Forms of the billing pages: they parse what an owner typed; ``billing.services`` validates
again and writes.

Amounts are typed in the plan's major units (dollars: ``50`` or ``12.50``) and handed to the
services in integer minor units (cents). A form refuses, with a message on the field, what the
services would refuse (negative, zero, more than two decimals, past ``AMOUNT_MAX``, too many or
repeated budgets), so a bad value shows the form again with the error and nothing is stored.
"""

from decimal import Decimal, InvalidOperation

from django import forms

from billing.models import Subscription
from billing.services.settings import AMOUNT_MAX, BUDGETS_MAX

MAX_MAJOR = Decimal(AMOUNT_MAX) / 100

# Stripe's test payment methods (test mode only): what the test form may attach.
TEST_CARDS = [
    ("pm_card_visa", "Visa 4242 4242 4242 4242 — pays"),
    ("pm_card_mastercard", "Mastercard 5555 5555 5555 4444 — pays"),
    ("pm_card_chargeCustomerFail", "Visa 4000 0000 0000 0341 — attaches, every charge declined"),
]


def amount_parse(text: str, *, label: str) -> int:
    """``"12.50"`` (major units, an optional leading currency sign and thousands commas) →
    1250 minor units; ``forms.ValidationError`` naming ``label`` for anything else."""
    cleaned = text.strip().lstrip("$€£").replace(",", "").strip()
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise forms.ValidationError(
            f"{label}: “{text}” is not an amount (e.g. 50 or 12.50)."
        ) from None
    if not value.is_finite():
        raise forms.ValidationError(f"{label}: “{text}” is not an amount (e.g. 50 or 12.50).")
    if value < 0:
        raise forms.ValidationError(f"{label} must not be negative.")
    if value != value.quantize(Decimal("0.01")):
        raise forms.ValidationError(f"{label}: use at most two decimals (cents).")
    if value > MAX_MAJOR:
        raise forms.ValidationError(f"{label} must be at most {MAX_MAJOR:,.0f}.")
    return int(value * 100)


class PlanChoiceForm(forms.Form):
    """Step 1 of a plan change (GET): which plan to preview."""

    plan = forms.ChoiceField(choices=[])

    def __init__(self, *args, plans: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].choices = [(plan.code, plan.name) for plan in plans]


class PlanConfirmForm(PlanChoiceForm):
    """Step 2 (POST): the plan previewed, confirmed."""

    confirm = forms.ChoiceField(choices=[("yes", "yes")])


class ConfirmForm(forms.Form):
    confirm = forms.ChoiceField(choices=[("yes", "yes")])


class BillingSettingsForm(forms.Form):
    spend_cap = forms.CharField(
        required=False,
        max_length=30,
        label="Spend cap",
        help_text="The most this period may cost; live calls past it are refused with 402 "
        "spend_cap_reached (sandbox calls never). Empty: no cap.",
    )
    spend_cap_kind = forms.ChoiceField(
        choices=[
            (Subscription.SpendCapKind.OVERAGE, "Overage only (calls past the included ones)"),
            (Subscription.SpendCapKind.TOTAL, "Total (base fee and prorations included)"),
        ],
        label="The cap limits",
    )
    budgets = forms.CharField(
        required=False,
        max_length=300,
        label="Budget alerts",
        help_text=f"Amounts separated by commas, e.g. 25, 100. Owners and admins get an email "
        f"(and a billing.usage_threshold_reached event) once per period when the period's cost "
        f"reaches each. At most {BUDGETS_MAX}.",
    )
    pay_as_you_go = forms.BooleanField(
        required=False,
        label="Pay as you go past the included calls",
        help_text="Free plan only: lifts the monthly quota and bills calls past it. Needs a "
        "payment method.",
    )

    def clean_spend_cap(self) -> int | None:
        text = self.cleaned_data["spend_cap"].strip()
        if not text:
            return None
        amount = amount_parse(text, label="The spend cap")
        if amount == 0:
            raise forms.ValidationError(
                "A cap of 0 would refuse every billed call: leave it empty for no cap, or set a "
                "positive amount."
            )
        return amount

    def clean_budgets(self) -> list[int]:
        text = self.cleaned_data["budgets"].strip()
        if not text:
            return []
        parts = [part for part in (p.strip() for p in text.split(",")) if part]
        if len(parts) > BUDGETS_MAX:
            raise forms.ValidationError(f"At most {BUDGETS_MAX} budget amounts.")
        amounts: list[int] = []
        for part in parts:
            amount = amount_parse(part, label="A budget")
            if amount == 0:
                raise forms.ValidationError("A budget must be more than 0.")
            if amount in amounts:
                raise forms.ValidationError(f"The budget {part} is listed twice.")
            amounts.append(amount)
        return sorted(amounts)


class TestCardForm(forms.Form):
    card = forms.ChoiceField(choices=TEST_CARDS, label="Stripe test card", widget=forms.RadioSelect)
