"""The Celery application. tenant-schemas-celery stamps each task with the enqueuing schema and
switches the worker's connection to it before the task runs."""

import os

from celery.signals import worker_process_init, worker_ready
from django.conf import settings
from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openchance.settings")

_IMPORTED_IN_PID = os.getpid()

app = CeleryApp("openchance")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Queues come from CELERY_TASK_ROUTES (settings), for beat's sends as for everyone else's.
app.conf.beat_schedule = {
    "worker-heartbeat": {
        "task": "openchance.worker_heartbeat",
        "schedule": settings.WORKER_HEARTBEAT_INTERVAL,
        "options": {"expires": settings.WORKER_HEARTBEAT_INTERVAL},
    },
    # Re-enqueues due webhook deliveries (retries, lost messages, killed workers) in every schema.
    "webhooks-sweep": {
        "task": "webhooks.sweep",
        "schedule": settings.WEBHOOK_SWEEP_INTERVAL,
        "options": {"expires": settings.WEBHOOK_SWEEP_INTERVAL},
    },
    # Folds metered API calls from the Redis buffer into the usage ledger and request logs.
    "metering-usage-flush": {
        "task": "metering.usage_flush",
        "schedule": settings.USAGE_FLUSH_INTERVAL,
        "options": {"expires": 30},
    },
    # Dunning (billing.services.dunning): due collections retried, long past-due restricted.
    "billing-dunning-run": {
        "task": "billing.dunning_run",
        "schedule": settings.BILLING_DUNNING_INTERVAL,
        "options": {"expires": settings.BILLING_DUNNING_INTERVAL},
    },
    # Closes every billing period that ended BILLING_CLOSE_GRACE_SECONDS (600) ago once the
    # usage flush has caught up with it; a no-op in between (each close is idempotent).
    "billing-invoices-close-due": {
        "task": "billing.invoices_close_due",
        "schedule": getattr(settings, "BILLING_CLOSE_INTERVAL", 300),
        "options": {"expires": getattr(settings, "BILLING_CLOSE_INTERVAL", 300)},
    },
    # Usage thresholds (50/80/100 % of included calls, budgets, the spend cap), once per period.
    "billing-alerts-check": {
        "task": "billing.alerts_check",
        "schedule": getattr(settings, "BILLING_ALERTS_INTERVAL", 60),
        "options": {"expires": getattr(settings, "BILLING_ALERTS_INTERVAL", 60)},
    },
}


def task_route(name, args, kwargs, options, task=None, **_kwargs):
    """The queue of every task (``CELERY_TASK_ROUTES``): event dispatch and webhook deliveries on
    ``WEBHOOK_QUEUE``, metering and billing on ``billing``, the rest on ``default``. Read when a
    task is sent, so ``WEBHOOK_QUEUE`` may change at run time (tests give themselves a queue)."""
    if name.startswith(("webhooks.", "events.")):
        return {"queue": settings.WEBHOOK_QUEUE}
    if name.startswith(("metering.", "billing.")):
        return {"queue": "billing"}
    return None


@app.task(name="openchance.worker_heartbeat", ignore_result=True)
def worker_heartbeat() -> None:
    from openchance.health import worker_heartbeat_record

    worker_heartbeat_record()


@worker_process_init.connect
def _database_connections_close(**_kwargs) -> None:
    """Hand Django's connections back to the pool before Celery's Django fixup closes their
    sockets with a bare ``os.close`` (connected at import, this runs before the fixup's handler,
    which then finds nothing open).

    The fixup means that for a forked pool child, whose sockets are the parent's. But the solo and
    threads pools send this signal in the worker's own process, where the connection opened at
    start-up still belongs to a psycopg pool whose threads use it: the socket's number, freed
    under them, was reused by the next file the worker opened, and a pool thread's reconnect took
    it back — the worker then died reading its own modules (``TypeError`` in ``_classify_pyc``,
    ``Socket operation on non-socket`` in the log). A forked child (another pid) is left to the
    fixup, as before."""
    if os.getpid() != _IMPORTED_IN_PID:
        return
    from django.db import connections

    connections.close_all()


@worker_ready.connect
def _heartbeat_on_start(**_kwargs) -> None:
    # Report alive right away instead of waiting for the first beat-scheduled heartbeat.
    worker_heartbeat.delay()


@app.task(name="openchance.diagnose_schema", ignore_result=True)
def diagnose_schema(token: str) -> None:
    """Operator diagnostics: record which schema this task ran in under ``openchance:diag:TOKEN``
    (Redis, 5 minutes), proving that tasks follow the tenant that enqueued them."""
    from django.db import connection
    from django_redis import get_redis_connection

    get_redis_connection("default").set(f"openchance:diag:{token}", connection.schema_name, ex=300)
