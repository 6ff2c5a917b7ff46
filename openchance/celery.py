"""The Celery application. tenant-schemas-celery stamps each task with the enqueuing schema and
switches the worker's connection to it before the task runs."""

import os

from celery.signals import worker_ready
from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openchance.settings")

app = CeleryApp("openchance")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.conf.beat_schedule = {
    "worker-heartbeat": {
        "task": "openchance.worker_heartbeat",
        "schedule": 10.0,
        "options": {"expires": 10},
    },
    # Re-enqueues due webhook deliveries (retries, lost messages, killed workers) in every schema.
    "webhooks-sweep": {
        "task": "webhooks.sweep",
        "schedule": 10.0,
        "options": {"expires": 10, "queue": "webhooks"},
    },
    # Folds metered API calls from the Redis buffer into the usage ledger and request logs.
    "billing-usage-flush": {
        "task": "billing.usage_flush",
        "schedule": float(os.environ.get("USAGE_FLUSH_INTERVAL", "5")),
        "options": {"expires": 30, "queue": "billing"},
    },
}


@app.task(name="openchance.worker_heartbeat", ignore_result=True)
def worker_heartbeat() -> None:
    from openchance.health import worker_heartbeat_record

    worker_heartbeat_record()


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
