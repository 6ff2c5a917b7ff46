"""Putting webhook work on the broker: one attempt task per delivery, enqueued when the
transaction commits (so no task sees uncommitted data).

Tasks are looked up by name in the Celery app (``webhooks.tasks`` registers them), so the services
never import the task module that imports them: the dependency runs one way, tasks → services →
this module.
"""

from celery import current_app
from django.db import connection, transaction

DELIVERY_ATTEMPT_TASK = "webhooks.delivery_attempt"
SWEEP_TASK = "webhooks.sweep"


def deliveries_enqueue_on_commit(
    delivery_ids: list[str], *, countdown: float | None = None
) -> None:
    """Enqueue one attempt task per delivery once the transaction commits, stamped with the
    current schema explicitly (the callback may run after the caller left the tenant context)."""
    if not delivery_ids:
        return
    schema_name = connection.schema_name
    delivery_ids = list(delivery_ids)

    def enqueue() -> None:
        task = current_app.tasks[DELIVERY_ATTEMPT_TASK]
        for delivery_id in delivery_ids:
            task.apply_async(
                (delivery_id,),
                countdown=countdown,
                headers={"_schema_name": schema_name},
            )

    transaction.on_commit(enqueue)
