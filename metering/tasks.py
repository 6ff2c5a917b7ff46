"""Metering tasks: thin wrappers that call services."""

from celery import shared_task

from metering.services import usage_flush


@shared_task(name="metering.usage_flush", ignore_result=True)
def usage_flush_task() -> None:
    """Beat runs it every ``USAGE_FLUSH_INTERVAL`` s (openchance/celery.py), on the billing queue
    (``CELERY_TASK_ROUTES``)."""
    usage_flush()
