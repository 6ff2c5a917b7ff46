"""Billing tasks: thin wrappers that call services. Beat schedules them (openchance/celery.py)
on the billing queue (``CELERY_TASK_ROUTES``), so a flood of webhook deliveries never delays a
period close."""

from celery import shared_task

from billing.services import billing_alerts_check, invoices_close_due


@shared_task(name="billing.invoices_close_due", ignore_result=True)
def invoices_close_due_task() -> None:
    """Close every period that ended ``BILLING_CLOSE_GRACE_SECONDS`` ago, once the usage flush
    has caught up with it (a no-op otherwise, and on every run but the first after a month's
    end: each close is idempotent)."""
    invoices_close_due()


@shared_task(name="billing.alerts_check", ignore_result=True)
def billing_alerts_check_task() -> None:
    """Record and announce the usage thresholds reached (every ``BILLING_ALERTS_INTERVAL`` s)."""
    billing_alerts_check()
