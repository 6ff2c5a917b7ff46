"""Input and output shapes of the /v1 billing resources: usage, invoices, the subscription, the
cost estimate and the billing settings.

Output serializers document the shapes (OpenAPI); the views render with ``billing.selectors``'
``invoice_as_dict`` / ``subscription_as_dict`` (what billing's events carry too, so REST and
webhooks agree field for field) and with the ``*_render`` functions below. Money is integer minor
units with a ``currency``; unit prices are decimal strings of minor units (``"0.1"`` = $0.001).
"""

from rest_framework import serializers

from billing.services.settings import AMOUNT_MAX, BUDGETS_MAX
from core.timestamps import timestamp_render

# A spend cap or budget above this (minor units per period: $100,000,000) is refused as absurd.
MAX_BILLING_AMOUNT = AMOUNT_MAX
MAX_BUDGETS = BUDGETS_MAX
SPEND_CAP_KINDS = ("overage", "total")
PERIOD_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])$"


# --- Input


class StrictIntegerField(serializers.IntegerField):
    """A JSON integer only: ``"100"``, ``100.0``, ``true`` are refused (DRF's IntegerField takes
    them), so a client's type mistake is an error rather than a guess."""

    default_error_messages = {"invalid": "A JSON integer is required (minor units)."}

    def to_internal_value(self, data):
        if type(data) is not int:
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    default_error_messages = {"invalid": "A JSON boolean (true or false) is required."}

    def to_internal_value(self, data):
        if type(data) is not bool:
            self.fail("invalid")
        return data


class StrictDictField(serializers.Serializer):
    """A nested object that refuses members it does not declare."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))[:20]
            if unknown:
                raise serializers.ValidationError(dict.fromkeys(unknown, ["Unknown field."]))
        return super().to_internal_value(data)


class SpendCapSerializer(StrictDictField):
    amount = StrictIntegerField(
        min_value=1,
        max_value=MAX_BILLING_AMOUNT,
        help_text="The most the period may cost, in minor units (`5000` = $50.00). Live calls "
        "past it are refused with 402 `spend_cap_reached`.",
    )
    kind = serializers.ChoiceField(
        choices=SPEND_CAP_KINDS,
        required=False,
        default="overage",
        help_text="`overage`: caps what calls past the included ones cost (default); `total`: "
        "caps the period's total, base fee included.",
    )


class BillingSettingsUpdateSerializer(StrictDictField):
    spend_cap = SpendCapSerializer(
        required=False,
        allow_null=True,
        help_text="The spend cap, or `null` to remove it.",
    )
    budgets = serializers.ListField(
        child=StrictIntegerField(min_value=1, max_value=MAX_BILLING_AMOUNT),
        required=False,
        max_length=MAX_BUDGETS,
        help_text=f"Up to {MAX_BUDGETS} period totals (minor units) to be alerted at "
        "(`billing.usage_threshold_reached`, an email to owners and admins); `[]` clears them.",
    )
    pay_as_you_go = StrictBooleanField(
        required=False,
        help_text="Hard-capped plans (Free): bill calls past the included ones at the plan's "
        "overage price instead of refusing them. Needs a payment method.",
    )

    def validate_budgets(self, value):
        if len(set(value)) != len(value):
            raise serializers.ValidationError("Each budget amount may appear once.")
        return sorted(value)


# --- Output


class UsageCountsSerializer(serializers.Serializer):
    calls = serializers.IntegerField(help_text="Every metered call (live and sandbox).")
    billable_calls = serializers.IntegerField(
        help_text="Live calls that count toward the bill: not refused by a limit, not a 5xx."
    )
    non_billable_calls = serializers.IntegerField(
        help_text="Live calls that are not billed: refused (429, 402), answered with a 5xx, or "
        "billing's own routes."
    )
    sandbox_calls = serializers.IntegerField(help_text="Test-key calls: never billed.")


class UsageDaySerializer(UsageCountsSerializer):
    date = serializers.DateField(help_text="The UTC day.")


class UsageRouteSerializer(UsageCountsSerializer):
    method = serializers.CharField()
    route = serializers.CharField(
        help_text="The route template (`/v1/challenges/<str:challenge_id>`); paths that match "
        "no route are counted under `/v1/<unmatched>`."
    )


class UsageKeySerializer(UsageCountsSerializer):
    key_id = serializers.CharField(help_text="`key_…`")
    name = serializers.CharField(allow_null=True, help_text="`null` once the key is deleted.")
    mode = serializers.ChoiceField(choices=["live", "test"])


class UsageSerializer(serializers.Serializer):
    object = serializers.ChoiceField(choices=["usage"])
    livemode = serializers.BooleanField(
        help_text="`false` for a test key, which sees the sandbox's calls only."
    )
    period = serializers.CharField(help_text="`YYYY-MM`: a calendar month in UTC.")
    period_start = serializers.DateTimeField()
    period_end = serializers.DateTimeField()
    totals = UsageCountsSerializer()
    by_day = UsageDaySerializer(many=True, help_text="Every day of the period, oldest first.")
    by_route = UsageRouteSerializer(many=True, help_text="Most calls first.")
    by_route_truncated = serializers.BooleanField(
        help_text="More routes were called than `by_route` lists (the totals count them all)."
    )
    by_key = UsageKeySerializer(many=True, help_text="Most calls first.")
    by_key_truncated = serializers.BooleanField()


class InvoiceLineSerializer(serializers.Serializer):
    kind = serializers.CharField(
        help_text="`base_fee`, `included_calls`, `overage`, `proration`, `credit` or "
        "`adjustment` (clients must accept kinds they do not know)."
    )
    description = serializers.CharField()
    quantity = serializers.IntegerField()
    unit_amount = serializers.CharField(
        help_text='Minor units per unit, a decimal string (`"0.1"` = $0.001 a call).'
    )
    amount = serializers.IntegerField(help_text="Minor units, rounded half up once per line.")
    period_start = serializers.DateTimeField()
    period_end = serializers.DateTimeField()


class CreditNoteSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="`cn_…`")
    number = serializers.CharField()
    amount = serializers.IntegerField()
    reason = serializers.CharField()
    created_at = serializers.DateTimeField()


class InvoiceSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="`inv_…`")
    object = serializers.ChoiceField(choices=["invoice"])
    number = serializers.CharField(
        allow_null=True, help_text="`OC-2026-000123`, given when finalised (`null` on a draft)."
    )
    status = serializers.ChoiceField(choices=["draft", "open", "paid", "void", "uncollectible"])
    kind = serializers.CharField()
    plan = serializers.CharField()
    period = serializers.CharField(help_text="`YYYY-MM`")
    period_start = serializers.DateTimeField()
    period_end = serializers.DateTimeField()
    currency = serializers.CharField()
    subtotal = serializers.IntegerField()
    total = serializers.IntegerField()
    amount_paid = serializers.IntegerField()
    amount_credited = serializers.IntegerField()
    amount_due = serializers.IntegerField()
    calls_total = serializers.IntegerField()
    calls_billable = serializers.IntegerField()
    lines = InvoiceLineSerializer(many=True)
    credit_notes = CreditNoteSerializer(many=True)
    issued_at = serializers.DateTimeField(allow_null=True)
    finalised_at = serializers.DateTimeField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True)
    paid_at = serializers.DateTimeField(allow_null=True)
    voided_at = serializers.DateTimeField(allow_null=True)
    payment_attempts = serializers.IntegerField()
    next_payment_attempt_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()


class InvoiceListSerializer(serializers.Serializer):
    object = serializers.ChoiceField(choices=["list"])
    data = InvoiceSerializer(many=True)
    has_more = serializers.BooleanField()
    next_cursor = serializers.CharField(allow_null=True)
    total = serializers.IntegerField(required=False)


class SpendCapOutputSerializer(serializers.Serializer):
    amount = serializers.IntegerField(help_text="Minor units per period.")
    kind = serializers.ChoiceField(choices=SPEND_CAP_KINDS)


class BillingSettingsSerializer(serializers.Serializer):
    object = serializers.ChoiceField(choices=["billing_settings"])
    spend_cap = SpendCapOutputSerializer(allow_null=True, help_text="`null`: no spend cap.")
    budgets = serializers.ListField(
        child=serializers.IntegerField(), help_text="Alert amounts (minor units), ascending."
    )
    pay_as_you_go = serializers.BooleanField()
    has_payment_method = serializers.BooleanField()
    currency = serializers.CharField()


class SubscriptionSpendCapSerializer(serializers.Serializer):
    amount = serializers.IntegerField(allow_null=True, help_text="`null`: no spend cap.")
    kind = serializers.ChoiceField(choices=SPEND_CAP_KINDS)


class SubscriptionSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="`sub_…`")
    object = serializers.ChoiceField(choices=["subscription"])
    status = serializers.ChoiceField(
        choices=["trialing", "active", "past_due", "unpaid", "cancelled"]
    )
    provider = serializers.ChoiceField(choices=["manual", "stripe"])
    plan = serializers.CharField(help_text="The plan in force (`free`, `pro`, …).")
    current_period_start = serializers.DateTimeField()
    current_period_end = serializers.DateTimeField()
    trial_end = serializers.DateTimeField(allow_null=True)
    scheduled_plan = serializers.CharField(
        allow_null=True, help_text="A downgrade waiting for the period's end."
    )
    cancel_at_period_end = serializers.BooleanField()
    cancelled_at = serializers.DateTimeField(allow_null=True)
    has_payment_method = serializers.BooleanField()
    pay_as_you_go = serializers.BooleanField()
    spend_cap = SubscriptionSpendCapSerializer()
    budget_amounts = serializers.ListField(child=serializers.IntegerField())
    currency = serializers.CharField()
    past_due_since = serializers.DateTimeField(allow_null=True)
    restricted_at = serializers.DateTimeField(
        allow_null=True, help_text="Set while live calls answer 402 `payment_required`."
    )
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class EstimatePlanSerializer(serializers.Serializer):
    plan = serializers.CharField()
    name = serializers.CharField()
    is_current = serializers.BooleanField()
    cost_so_far = serializers.IntegerField(help_text="This period's usage on that plan.")
    projected_cost = serializers.IntegerField()
    projected_calls_refused = serializers.IntegerField(
        help_text="Projected calls a hard-capped plan would refuse."
    )


class EstimateSerializer(serializers.Serializer):
    object = serializers.ChoiceField(choices=["usage_cost_estimate"])
    period = serializers.CharField(help_text="`YYYY-MM`")
    period_start = serializers.DateTimeField()
    period_end = serializers.DateTimeField()
    as_of = serializers.DateTimeField()
    currency = serializers.CharField()
    plan = serializers.CharField()
    included_calls = serializers.IntegerField(allow_null=True, help_text="`null`: unlimited.")
    overage_unit_price = serializers.CharField(help_text="Minor units per call, decimal string.")
    calls_so_far = serializers.IntegerField(help_text="Billable calls in the ledger so far.")
    cost_so_far = serializers.IntegerField(help_text="Minor units.")
    projected_calls = serializers.IntegerField(help_text="At the run rate, to the period's end.")
    projected_cost = serializers.IntegerField()
    spend_cap = SubscriptionSpendCapSerializer()
    plans = EstimatePlanSerializer(many=True, help_text="The same usage on every public plan.")


# --- Rendering


def settings_render(subscription) -> dict:
    cap = subscription.spend_cap_amount
    return {
        "object": "billing_settings",
        "spend_cap": (
            None if cap is None else {"amount": cap, "kind": subscription.spend_cap_kind}
        ),
        "budgets": sorted(subscription.budget_amounts or []),
        "pay_as_you_go": subscription.pay_as_you_go,
        "has_payment_method": subscription.has_payment_method,
        "currency": subscription.organisation.plan.currency
        if subscription.organisation.plan
        else "usd",
    }


def _counts(row: dict) -> dict:
    return {
        "calls": row["total_calls"],
        "billable_calls": row["billable_calls"],
        "non_billable_calls": row["non_billable_calls"],
        "sandbox_calls": row["sandbox_calls"],
    }


def usage_render(report: dict, *, livemode: bool, period_start, period_end) -> dict:
    return {
        "object": "usage",
        "livemode": livemode,
        "period": f"{period_start:%Y-%m}",
        "period_start": timestamp_render(period_start),
        "period_end": timestamp_render(period_end),
        "totals": _counts(report["totals"]),
        "by_day": [{"date": row["date"].isoformat(), **_counts(row)} for row in report["by_day"]],
        "by_route": [
            {"method": row["method"], "route": row["route"], **_counts(row)}
            for row in report["by_route"]
        ],
        "by_route_truncated": report["routes_truncated"],
        "by_key": [
            {"key_id": row["api_key_id"], "name": row["name"], "mode": row["mode"], **_counts(row)}
            for row in report["by_key"]
        ],
        "by_key_truncated": report["keys_truncated"],
    }


def settings_changes(validated: dict) -> dict:
    """The service's keyword arguments for the fields a PATCH sent (and only those)."""
    changes = {}
    if "spend_cap" in validated:
        cap = validated["spend_cap"]
        changes["spend_cap_amount"] = None if cap is None else cap["amount"]
        if cap is not None:
            changes["spend_cap_kind"] = cap["kind"]
    if "budgets" in validated:
        changes["budget_amounts"] = validated["budgets"]
    if "pay_as_you_go" in validated:
        changes["pay_as_you_go"] = validated["pay_as_you_go"]
    return changes
