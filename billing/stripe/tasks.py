"""Celery tasks of Stripe and dunning: thin, take ids, call services; all on the ``billing``
queue (``openchance.celery.task_route`` routes ``billing.*`` there). Registered by
``BillingConfig.ready()``, which imports this module."""

from celery import shared_task

from billing.services.dunning import dunning_run
from billing.stripe.client import StripeUnavailableError
from billing.stripe.sync import stripe_subscription_sync
from billing.stripe.webhooks import stripe_event_apply

EVENT_APPLY_TASK = "billing.stripe_event_apply"
DUNNING_RUN_TASK = "billing.dunning_run"
SUBSCRIPTION_SYNC_TASK = "billing.stripe_subscription_sync"
# Retries of an event whose application failed (a lock timeout, the database restarting): 5 s,
# 10 s, 20 s … capped at 10 minutes.
EVENT_APPLY_RETRIES = 10


@shared_task(name=EVENT_APPLY_TASK, bind=True, acks_late=True, ignore_result=True, max_retries=None)
def stripe_event_apply_task(self, event_id: str) -> None:
    try:
        stripe_event_apply(event_id=event_id)
    except Exception as error:
        if self.request.retries >= EVENT_APPLY_RETRIES:
            raise
        raise self.retry(exc=error, countdown=min(5 * 2**self.request.retries, 600)) from error


@shared_task(name=DUNNING_RUN_TASK, acks_late=True, ignore_result=True)
def dunning_run_task() -> None:
    dunning_run()


@shared_task(
    name=SUBSCRIPTION_SYNC_TASK, bind=True, acks_late=True, ignore_result=True, max_retries=None
)
def stripe_subscription_sync_task(self, subscription_public_id: str, created: bool = False):
    try:
        stripe_subscription_sync(subscription_public_id=subscription_public_id, created=created)
    except StripeUnavailableError as error:  # Stripe down: later (the change itself is ours)
        if self.request.retries >= EVENT_APPLY_RETRIES:
            raise
        raise self.retry(exc=error, countdown=min(30 * 2**self.request.retries, 3600)) from error
