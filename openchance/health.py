"""Liveness of the platform's parts: PostgreSQL, Redis, the Celery worker (via its heartbeat) and
the usage flush (via its backlog in the Redis stream)."""

import time

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django_redis import get_redis_connection
from django_tenants.utils import get_public_schema_name, schema_context

from metering.selectors import usage_flush_backlog, usage_quarantine_count

HEARTBEAT_KEY = "openchance:worker:heartbeat"


def worker_heartbeat_record() -> None:
    """Called by the worker (beat-scheduled task and at start-up): 'a worker was alive now'."""
    get_redis_connection("default").set(HEARTBEAT_KEY, f"{time.time():.3f}")


def _check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return {"ok": True}
    except Exception as exc:  # noqa: BLE001 - any failure means "not healthy", reported by name
        return {"ok": False, "error": exc.__class__.__name__}


def _check_redis_and_worker() -> tuple[dict, dict]:
    try:
        redis = get_redis_connection("default")
        redis.ping()
        heartbeat = redis.get(HEARTBEAT_KEY)
    except Exception as exc:  # noqa: BLE001
        error = exc.__class__.__name__
        return {"ok": False, "error": error}, {"ok": False, "error": "redis unavailable"}
    if heartbeat is None:
        return {"ok": True}, {"ok": False, "error": "no heartbeat received"}
    age = max(0.0, time.time() - float(heartbeat))
    worker = {"ok": age <= settings.WORKER_HEARTBEAT_MAX_AGE, "last_heartbeat_age_s": round(age, 1)}
    if not worker["ok"]:
        worker["error"] = "heartbeat too old"
    return {"ok": True}, worker


def _check_usage_flush() -> dict:
    """Not ok when the oldest stream entry the flush has not folded is older than
    ``USAGE_FLUSH_MAX_LAG_SECONDS``: the flush is not running, or runs and cannot advance. A
    non-empty quarantine does not fail the check (it blocks nothing); it is counted for alerts."""
    max_lag = getattr(settings, "USAGE_FLUSH_MAX_LAG_SECONDS", 60)
    try:
        with schema_context(get_public_schema_name()):
            backlog = usage_flush_backlog(redis=get_redis_connection("default"))
            quarantined = usage_quarantine_count()
    except Exception as exc:  # noqa: BLE001 - unknown is not healthy; reported by name
        return {"ok": False, "error": exc.__class__.__name__}
    check = {
        "ok": backlog.lag_seconds <= max_lag,
        "lag_seconds": round(backlog.lag_seconds, 1),
        "pending": backlog.pending,
        "quarantined": quarantined,
    }
    if not check["ok"]:
        check["error"] = f"oldest unflushed usage record is older than {max_lag} s"
    return check


def healthz(request: HttpRequest) -> JsonResponse:
    """200 when every check is ok, else 503 naming the failing ones: it is for monitoring (a
    stalled usage flush loses no data at once but stops quotas, logs and billing advancing)."""
    redis, worker = _check_redis_and_worker()
    checks = {
        "database": _check_database(),
        "redis": redis,
        "worker": worker,
        "usage_flush": _check_usage_flush(),
    }
    failing = [name for name, check in checks.items() if not check["ok"]]
    body = {"status": "degraded" if failing else "ok", "failing": failing, "checks": checks}
    response = JsonResponse(body, status=503 if failing else 200)
    response["Cache-Control"] = "no-store"
    return response


def livez(request: HttpRequest) -> JsonResponse:
    """Liveness for load balancers: 200 whenever this process serves requests.

    /healthz answers 503 while Redis is down, yet the API keeps serving then (it fails open), so a
    load balancer that probed /healthz would take every instance out exactly when they can still
    serve. Balancers probe /livez; monitoring and alerts read /healthz.
    """
    response = JsonResponse({"status": "ok"})
    response["Cache-Control"] = "no-store"
    return response
