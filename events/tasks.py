"""Celery task of the outbox: the dispatch of one committed event to every registered consumer
(see ``events.dispatch``). Acknowledged late: a killed worker's event is dispatched again."""

from celery import shared_task
from django.db import connection

from events.dispatch import EVENT_DISPATCH_TASK, event_dispatch


@shared_task(name=EVENT_DISPATCH_TASK, acks_late=True, ignore_result=True)
def event_dispatch_task(event_id: str) -> None:
    # tenant-schemas-celery switched the connection to the schema the event was emitted in.
    event_dispatch(event_id=event_id, schema_name=connection.schema_name)
