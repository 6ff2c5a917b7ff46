"""Billing's tables (public schema): plans, subscriptions, invoices and what feeds them.

- ``Plan`` — a price list entry. The plan *in force* is ``Tenant.plan`` on the live row (the
  gateway reads it); only billing services write it.
- ``Subscription`` — one per organisation: status, the current billing period (a calendar month in
  UTC), a downgrade or cancellation waiting for the period's end, trial, spend cap, budgets,
  pay-as-you-go, payment state (set by dunning) and the provider's ids.
- ``Invoice`` / ``InvoiceLine`` — exactly one period invoice per organisation and period (a unique
  constraint), rated from the usage ledger at the period's close. Money is integer minor units;
  unit prices are ``Decimal`` minor units; each line is rounded once (ROUND_HALF_UP). A finalised
  invoice never changes again except for its payment state (services refuse; corrections are
  ``CreditNote`` rows).
- ``InvoiceNumberSequence`` — the row-locked counters behind ``OC-2026-000123``.
- ``BillingAdjustment`` — a charge or credit waiting for a period's close (an upgrade's proration,
  an operator's credit); the invoice that took it is recorded, so it is billed once.
- ``BillingAlert`` — a usage threshold reached in a period, once per threshold (unique row).
"""

from django.db import models
from django.utils import timezone

from core.ids import new_id


def _subscription_id() -> str:
    return new_id("sub")


def _invoice_id() -> str:
    return new_id("inv")


def _credit_note_id() -> str:
    return new_id("cn")


def _adjustment_id() -> str:
    return new_id("adj")


class Plan(models.Model):
    """A price list entry. Operators edit plans in the admin; custom plans serve one tenant."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100)
    monthly_price = models.PositiveIntegerField(
        default=0, help_text="Minor units (cents) per month."
    )
    currency = models.CharField(max_length=3, default="usd")
    included_calls = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="Calls included per month; empty means unlimited."
    )
    is_hard_cap = models.BooleanField(
        default=False,
        help_text=(
            "Refuse calls past the included ones (429 quota_exceeded) instead of billing overage."
        ),
    )
    overage_unit_price = models.DecimalField(
        max_digits=12,
        decimal_places=6,
        default=0,
        help_text="Price per call past the included ones, in minor units.",
    )
    rate_per_second = models.PositiveIntegerField(help_text="Sustained requests per second.")
    burst = models.PositiveIntegerField(help_text="Requests allowed in a burst above the rate.")
    is_public = models.BooleanField(
        default=True, help_text="Listed on the pricing page; custom plans are not."
    )
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_unlimited(self) -> bool:
        return self.included_calls is None


class Subscription(models.Model):
    """An organisation's subscription (see module). The plan in force is ``organisation.plan``;
    ``period_plan`` is the plan whose base fee the current period bills (the one in force when
    the period began: an upgrade mid-period is charged by a proration adjustment instead)."""

    class Status(models.TextChoices):
        TRIALING = "trialing", "Trialing"
        ACTIVE = "active", "Active"
        PAST_DUE = "past_due", "Past due"
        UNPAID = "unpaid", "Unpaid"
        CANCELLED = "cancelled", "Cancelled"

    class Provider(models.TextChoices):
        MANUAL = "manual", "Manual (operator marks invoices paid)"
        STRIPE = "stripe", "Stripe"

    class SpendCapKind(models.TextChoices):
        OVERAGE = "overage", "Overage only"
        TOTAL = "total", "Total (base fee + overage)"

    public_id = models.CharField(max_length=40, unique=True, default=_subscription_id)
    organisation = models.OneToOneField(
        "tenants.Tenant",
        on_delete=models.CASCADE,
        related_name="subscription",
        limit_choices_to={"mode": "live"},
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    provider = models.CharField(max_length=10, choices=Provider.choices, default=Provider.MANUAL)
    current_period_start = models.DateTimeField()
    current_period_end = models.DateTimeField()
    started_at = models.DateTimeField(
        default=timezone.now,
        help_text="When billing began: the first period's base fee is prorated from here.",
    )
    period_plan = models.ForeignKey(
        Plan,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The plan whose base fee this period bills (in force when the period began).",
    )
    trial_end = models.DateTimeField(null=True, blank=True)
    scheduled_plan = models.ForeignKey(
        Plan,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="A downgrade waiting for the end of the current period.",
    )
    cancel_at_period_end = models.BooleanField(default=False)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    has_payment_method = models.BooleanField(default=False)
    pay_as_you_go = models.BooleanField(
        default=False,
        help_text="Hard-capped plans (Free): with a payment method, bill overage instead of "
        "refusing calls past the included ones.",
    )
    spend_cap_amount = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="Minor units per period; empty means no cap."
    )
    spend_cap_kind = models.CharField(
        max_length=10, choices=SpendCapKind.choices, default=SpendCapKind.OVERAGE
    )
    budget_amounts = models.JSONField(
        default=list, blank=True, help_text="Alert at these period totals (minor units)."
    )
    past_due_since = models.DateTimeField(null=True, blank=True)
    restricted_at = models.DateTimeField(
        null=True, blank=True, help_text="Set by dunning: live calls answer 402 payment_required."
    )
    stripe_customer_id = models.CharField(max_length=255, blank=True, default="")
    stripe_subscription_id = models.CharField(max_length=255, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(current_period_end__gt=models.F("current_period_start")),
                name="subscription_period_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.public_id} ({self.organisation_id}, {self.status})"


class Invoice(models.Model):
    class Kind(models.TextChoices):
        PERIOD = "period", "Billing period"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        OPEN = "open", "Open"
        PAID = "paid", "Paid"
        VOID = "void", "Void"
        UNCOLLECTIBLE = "uncollectible", "Uncollectible"

    public_id = models.CharField(max_length=40, unique=True, default=_invoice_id)
    # Given at finalisation from InvoiceNumberSequence: a draft has none, so numbers have no gaps.
    number = models.CharField(max_length=20, unique=True, null=True, blank=True)
    organisation = models.ForeignKey(
        "tenants.Tenant", on_delete=models.CASCADE, related_name="invoices"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PERIOD)
    status = models.CharField(max_length=13, choices=Status.choices, default=Status.DRAFT)
    plan = models.ForeignKey(
        Plan, null=True, blank=True, on_delete=models.SET_NULL, related_name="invoices"
    )
    plan_code = models.CharField(max_length=40, blank=True, default="")
    period_start = models.DateTimeField()
    period_end = models.DateTimeField()
    currency = models.CharField(max_length=3, default="usd")
    subtotal = models.BigIntegerField(default=0)
    total = models.BigIntegerField(default=0)
    amount_paid = models.BigIntegerField(default=0)
    amount_credited = models.BigIntegerField(default=0)
    amount_due = models.BigIntegerField(default=0)
    calls_total = models.PositiveBigIntegerField(default=0)
    calls_billable = models.PositiveBigIntegerField(default=0)
    # The customer as invoiced (a finalised invoice must not change when the tenant is renamed).
    customer_name = models.CharField(max_length=200, blank=True, default="")
    customer_slug = models.CharField(max_length=40, blank=True, default="")
    issued_at = models.DateTimeField(null=True, blank=True)
    finalised_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    payment_reference = models.CharField(max_length=255, blank=True, default="")
    payment_attempts = models.PositiveIntegerField(default=0)
    next_payment_attempt_at = models.DateTimeField(null=True, blank=True)
    last_payment_error = models.TextField(blank=True, default="")
    stripe_invoice_id = models.CharField(max_length=255, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-period_start", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "period_start", "kind"], name="invoice_one_per_period"
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gt=models.F("period_start")),
                name="invoice_period_ordered",
            ),
        ]
        indexes = [models.Index(fields=["status", "period_start"])]

    def __str__(self) -> str:
        return self.number or self.public_id

    @property
    def is_finalised(self) -> bool:
        return self.finalised_at is not None


class InvoiceLine(models.Model):
    class Kind(models.TextChoices):
        BASE_FEE = "base_fee", "Base fee"
        INCLUDED_CALLS = "included_calls", "Included calls"
        OVERAGE = "overage", "Overage calls"
        PRORATION = "proration", "Proration"
        CREDIT = "credit", "Credit"
        ADJUSTMENT = "adjustment", "Adjustment"

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    description = models.CharField(max_length=300)
    quantity = models.BigIntegerField(default=1)
    unit_amount = models.DecimalField(
        max_digits=18, decimal_places=6, default=0, help_text="Minor units per unit."
    )
    amount = models.BigIntegerField(help_text="Minor units, rounded once (ROUND_HALF_UP).")
    period_start = models.DateTimeField()
    period_end = models.DateTimeField()

    class Meta:
        ordering = ["invoice", "position", "id"]

    def __str__(self) -> str:
        return f"{self.invoice_id}: {self.description} {self.amount}"


class CreditNote(models.Model):
    """A correction of a finalised invoice: lowers what is due (or records a refund)."""

    public_id = models.CharField(max_length=40, unique=True, default=_credit_note_id)
    number = models.CharField(max_length=24, unique=True)
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="credit_notes")
    organisation = models.ForeignKey(
        "tenants.Tenant", on_delete=models.CASCADE, related_name="credit_notes"
    )
    amount = models.PositiveBigIntegerField(help_text="Minor units.")
    currency = models.CharField(max_length=3, default="usd")
    reason = models.CharField(max_length=500)
    created_by = models.CharField(max_length=254, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.number


class InvoiceNumberSequence(models.Model):
    """One counter per series and year (``invoice:2026``, ``credit_note:2026``), taken FOR
    UPDATE by whoever numbers a document, so two finalisations never share a number."""

    series = models.CharField(max_length=40, unique=True)
    last_value = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.series} @ {self.last_value}"


class BillingAdjustment(models.Model):
    class Kind(models.TextChoices):
        PRORATION = "proration", "Proration"
        CREDIT = "credit", "Credit"
        ADJUSTMENT = "adjustment", "Adjustment"

    public_id = models.CharField(max_length=40, unique=True, default=_adjustment_id)
    organisation = models.ForeignKey(
        "tenants.Tenant", on_delete=models.CASCADE, related_name="billing_adjustments"
    )
    period_start = models.DateTimeField(help_text="The period whose invoice takes it.")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    description = models.CharField(max_length=300)
    quantity = models.BigIntegerField(default=1)
    unit_amount = models.DecimalField(max_digits=18, decimal_places=6, default=0)
    amount = models.BigIntegerField(help_text="Minor units; negative for a credit.")
    invoice = models.ForeignKey(
        Invoice,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="adjustments",
        help_text="The invoice that billed it (empty: still pending).",
    )
    created_by = models.CharField(max_length=254, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["organisation", "period_start"])]

    def __str__(self) -> str:
        return f"{self.public_id} {self.kind} {self.amount}"


class BillingAlert(models.Model):
    """A threshold reached in a period: ``included:50|80|100`` or ``budget:<minor units>``."""

    organisation = models.ForeignKey(
        "tenants.Tenant", on_delete=models.CASCADE, related_name="billing_alerts"
    )
    period_start = models.DateTimeField()
    threshold = models.CharField(max_length=40)
    reached_at = models.DateTimeField()
    calls = models.PositiveBigIntegerField(default=0)
    amount = models.BigIntegerField(default=0, help_text="Cost so far (minor units).")
    dismissed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-reached_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "period_start", "threshold"],
                name="billing_alert_once_per_period",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.period_start:%Y-%m} {self.threshold}"
