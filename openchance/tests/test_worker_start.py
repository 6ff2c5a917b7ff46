"""A Celery worker in a pool that runs tasks in its own process (solo, threads) starts without its
database socket closed under the connection pool (``openchance.celery``'s
``_database_connections_close``).

Celery's Django fixup closes the socket of Django's connection with a bare ``os.close`` on
``worker_process_init``; the solo pool sends that signal in the worker's own process, where a
psycopg pool thread still uses the connection. Its freed number went to the next file the worker
opened: every solo worker logged ``error resetting connection``, and some died importing their
own modules (``TypeError`` in ``_classify_pyc``: a read from a socket the pool had reopened on that
number). The worker must log none of it, start, and run a task that uses the database."""

import uuid

import pytest
from django_redis import get_redis_connection
from django_tenants.utils import tenant_context

from core.testing import celery_worker_start, celery_workers_stop, wait_for
from openchance.celery import diagnose_schema

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

POOL_FAULTS = (
    "error resetting connection",
    "Socket operation on non-socket",
    "Bad file descriptor",
    "discarding closed connection",
    "_classify_pyc",
)


@pytest.mark.parametrize("pool", ["solo", "threads"])
def test_a_worker_in_its_own_process_keeps_its_database_connection_whole(tmp_path, tenant, pool):
    log_path = tmp_path / "worker.log"
    queue = f"start-{pool}-{uuid.uuid4().hex[:8]}"
    worker = celery_worker_start(queues=queue, log_path=log_path, pool=pool)
    try:
        # the worker runs a task in the tenant's schema: it reads the tenant row to switch to it
        token = uuid.uuid4().hex
        with tenant_context(tenant):
            diagnose_schema.apply_async(args=[token], queue=queue)
        redis = get_redis_connection("default")
        ran_in = wait_for(lambda: redis.get(f"openchance:diag:{token}"), timeout=30)
        assert ran_in.decode() == tenant.schema_name
        log = log_path.read_text(errors="replace")
        found = [fault for fault in POOL_FAULTS if fault in log]
        assert found == [], log[-3000:]
        assert worker.poll() is None
    finally:
        celery_workers_stop([worker])
