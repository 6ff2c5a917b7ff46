"""Helpers for tests: hosts, environments of processes started by tests, polling, Celery workers."""

import os
import signal
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings


@contextmanager
def connections_kept():
    """Call a WSGI application in the test's transaction, as Django's test client does: the
    per-request connection clean-up (``close_old_connections`` on request started and
    finished) is held off meanwhile."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def host_of(tenant) -> str:
    return f"{tenant.slug}.{settings.BASE_DOMAIN}"


def database_url() -> str:
    db = settings.DATABASES["default"]
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


def subprocess_env(**extra) -> dict[str, str]:
    """Environment for processes started by tests: the test database and Redis, test settings."""
    env = dict(os.environ)
    env.update(
        OPENCHANCE_ENV="test",
        DATABASE_URL=database_url(),
        REDIS_URL=settings.REDIS_URL,
        CELERY_BROKER_URL=settings.CELERY_BROKER_URL,
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def wait_for(predicate, *, timeout: float = 20.0, interval: float = 0.1, message: str = ""):
    """Poll ``predicate`` until it returns a truthy value; fail the test after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(message or f"condition not met within {timeout} s")
        time.sleep(interval)


def problem(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json"), response["Content-Type"]
    body = response.json()
    for member in ("type", "title", "status", "detail", "code", "request_id"):
        assert member in body, body
    assert body["status"] == status
    assert body["request_id"] == response["X-Request-Id"]
    assert body["type"].endswith(body["code"]) and body["title"] and body["detail"]
    if code is not None:
        assert body["code"] == code, body
    return body


BASE_DIR = Path(__file__).resolve().parent.parent


def celery_queues_purge(queues: str) -> None:
    """Empty ``queues`` (comma-separated) in the test broker. A worker started for a run of tests
    would otherwise first work through the tasks earlier tests enqueued with no worker running
    (deliveries to receivers long gone, each up to its timeout) and miss the tests' own waits.
    Never call it while a worker is expected to pick up a task already enqueued."""
    from openchance.celery import app

    with app.connection_for_write() as connection:
        for queue in queues.split(","):
            connection.default_channel.queue_purge(queue)


def broker_of_its_own(db: int) -> str:
    """The URL of Redis database ``db`` as a Celery broker, emptied first: for a test's live
    server and the worker it starts, so that the session's test worker — on the shared test
    broker, with no private hosts allowed — cannot take their tasks (it would refuse a webhook to
    the test's local sink). Databases in use: 14 (the portal journey), 15 (the SDKs' platform)."""
    import redis

    url = f"{settings.REDIS_URL.rsplit('/', 1)[0]}/{db}"
    client = redis.Redis.from_url(url)
    try:
        client.flushdb()
    finally:
        client.close()
    return url


def celery_worker_start(
    *,
    queues: str,
    log_path: Path,
    pool: str = "prefork",
    concurrency: int = 2,
    ready_timeout: float = 60.0,
    **env: str,
) -> subprocess.Popen:
    """The one way tests start a real Celery worker: on ``queues`` (comma-separated), the test
    database and Redis, logging to ``log_path``, in a process group of its own (so a test can
    SIGKILL it whole). Returns once the worker has logged that it is ready to consume — or fails
    the test with the log's tail. Stop it with ``celery_workers_stop``."""
    with open(log_path, "ab") as log:
        process = subprocess.Popen(  # noqa: S603 - our own fixed command line
            [
                sys.executable, "-m", "celery", "-A", "openchance", "worker", "-Q", queues,
                "--pool", pool, "--concurrency", str(concurrency), "--loglevel", "INFO",
                "--without-mingle", "--without-gossip", "--without-heartbeat",
                "--hostname", f"test-{uuid.uuid4().hex[:8]}@%h",
            ],
            cwd=BASE_DIR,
            env=subprocess_env(**env),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    deadline = time.monotonic() + ready_timeout
    while b" ready." not in log_path.read_bytes():
        if process.poll() is not None or time.monotonic() > deadline:
            celery_workers_stop([process])
            tail = log_path.read_text(errors="replace")[-4000:]
            pytest.fail(f"the Celery worker did not start:\n{tail}")
        time.sleep(0.1)
    return process


def celery_workers_stop(workers: list[subprocess.Popen]) -> None:
    """Stop what is still running: SIGTERM to the process group, then SIGKILL after 15 s."""
    for worker in workers:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
            try:
                worker.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait(timeout=5)
