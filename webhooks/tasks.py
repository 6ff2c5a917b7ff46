"""Celery tasks of webhooks: thin, take ids, call services. All run on the ``webhooks`` queue
with ``acks_late`` (a message is acknowledged only after the task ran; a killed worker's message
is also covered by the sweeper, since delivery state lives in PostgreSQL).

The fan-out has no task of its own: it runs in the outbox's ``events.dispatch`` task, as the
consumer webhooks register (``WebhooksConfig.ready()``).
"""

from celery import shared_task

from webhooks.queue import DELIVERY_ATTEMPT_TASK, SWEEP_TASK
from webhooks.services.attempts import webhook_delivery_attempt
from webhooks.services.sweeper import webhook_sweep_all_schemas


@shared_task(name=DELIVERY_ATTEMPT_TASK, acks_late=True, ignore_result=True)
def webhook_delivery_attempt_task(delivery_id: str) -> None:
    webhook_delivery_attempt(delivery_id=delivery_id)


@shared_task(name=SWEEP_TASK, acks_late=True, ignore_result=True)
def webhook_sweep_task() -> None:
    webhook_sweep_all_schemas()
