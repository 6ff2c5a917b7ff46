"""Writes of billing. One module per concern; everything callers use is importable from here.

- ``plans``: ``plan_update`` (operators edit a price list entry), ``tenant_plan_change``.
- ``subscriptions``: create, change plan (upgrade now + proration; downgrade/cancel at the
  period's end), cancel, resume, trials, the period roll.
- ``settings``: ``billing_settings_update`` (spend cap, budgets, pay-as-you-go).
- ``invoices``: the period close, finalisation, payment, voiding, credit notes, credits.
- ``alerts``: ``billing_alerts_check`` (usage thresholds, once per threshold and period).
- ``dunning`` (billing/services/dunning.py, the Stripe and dunning work): failed payments,
  retries, restriction — imported from there, not re-exported here.
"""

from billing.services.alerts import billing_alerts_check
from billing.services.invoices import (
    InvoiceFinalisedError,
    InvoiceStateError,
    PeriodNotEndedError,
    billing_credit_grant,
    credit_note_issue,
    invoice_close_period,
    invoice_finalise,
    invoice_line_add,
    invoice_mark_paid,
    invoice_payment_record,
    invoice_void,
    invoices_close_due,
)
from billing.services.plans import plan_update, tenant_plan_change
from billing.services.settings import BillingSettingsError, billing_settings_update
from billing.services.subscriptions import (
    PlanChange,
    UnknownPlanError,
    subscription_cancel,
    subscription_change_plan,
    subscription_create,
    subscription_ensure,
    subscription_lock,
    subscription_payment_method_set,
    subscription_resume,
)

__all__ = [
    "BillingSettingsError",
    "InvoiceFinalisedError",
    "InvoiceStateError",
    "PeriodNotEndedError",
    "PlanChange",
    "UnknownPlanError",
    "billing_alerts_check",
    "billing_credit_grant",
    "billing_settings_update",
    "credit_note_issue",
    "invoice_close_period",
    "invoice_finalise",
    "invoice_line_add",
    "invoice_mark_paid",
    "invoice_payment_record",
    "invoice_void",
    "invoices_close_due",
    "plan_update",
    "subscription_cancel",
    "subscription_change_plan",
    "subscription_create",
    "subscription_ensure",
    "subscription_lock",
    "subscription_payment_method_set",
    "subscription_resume",
    "tenant_plan_change",
]
