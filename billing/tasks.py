"""Billing tasks: thin wrappers that call services."""

from celery import shared_task

from billing.services import usage_flush


@shared_task(name="billing.usage_flush", ignore_result=True)
def usage_flush_task() -> None:
    """Beat runs it every ``USAGE_FLUSH_INTERVAL`` s (openchance/celery.py), billing queue."""
    usage_flush()
