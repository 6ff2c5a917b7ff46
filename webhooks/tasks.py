"""Celery tasks of webhooks: thin, take ids, call services. All run on the ``webhooks`` queue
with ``acks_late`` (a message is acknowledged only after the task ran; a killed worker's message
is also covered by the sweeper, since delivery state lives in PostgreSQL)."""

from celery import shared_task

from webhooks import services


@shared_task(name="webhooks.event_fan_out", acks_late=True, ignore_result=True)
def webhook_event_fan_out_task(event_id: str) -> None:
    # The first attempts to healthy endpoints are made here, as one batch (see the service).
    services.webhook_event_fan_out(event_id=event_id, attempt_inline=True)


@shared_task(name="webhooks.delivery_attempt", acks_late=True, ignore_result=True)
def webhook_delivery_attempt_task(delivery_id: str) -> None:
    services.webhook_delivery_attempt(delivery_id=delivery_id)


@shared_task(name="webhooks.sweep", acks_late=True, ignore_result=True)
def webhook_sweep_task() -> None:
    services.webhook_sweep_all_schemas()
