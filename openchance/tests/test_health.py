"""/healthz: PostgreSQL, Redis, the worker heartbeat (with a real worker process) and the usage
flush's backlog."""

import time
import uuid

import pytest
from django.test import Client, override_settings
from django_redis import get_redis_connection

from core.testing import wait_for
from metering.models import UsageQuarantine
from metering.records import USAGE_STREAM, UsageRecord
from metering.services import usage_flush
from openchance.celery import diagnose_schema
from openchance.health import HEARTBEAT_KEY

pytestmark = pytest.mark.django_db


@pytest.fixture
def heartbeat():
    """A fresh worker heartbeat, so that only the check under test can fail."""
    redis = get_redis_connection("default")
    saved = redis.get(HEARTBEAT_KEY)
    redis.set(HEARTBEAT_KEY, f"{time.time():.3f}")
    yield
    if saved is not None:
        redis.set(HEARTBEAT_KEY, saved)


def _record_fields(tenant, **overrides) -> dict[str, str]:
    values = dict(
        organisation_id=tenant.pk, tenant_id=tenant.pk, api_key_id="key_health", mode="live",
        method="GET", route="/v1/me", path="/v1/me", status=200, duration_ms=1.0,
        request_bytes=0, response_bytes=10, timestamp_ms=int(time.time() * 1000),
        request_id=f"req_{uuid.uuid4().hex}", is_billable=True,
    )  # fmt: skip
    values.update(overrides)
    return UsageRecord(**values).to_fields()


def test_healthz_is_200_when_database_redis_and_worker_are_fine(celery_worker_process, tenant):
    # given: the worker has reported in (it does at start-up), and the flush is up to date
    assert get_redis_connection("default").get(HEARTBEAT_KEY) is not None
    usage_flush()

    # then: on any host, including ones no tenant owns
    for host in ["localhost", "alpha.localhost", "api.localhost", "10.0.0.7"]:
        response = Client(HTTP_HOST=host).get("/healthz")
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["status"] == "ok"
        assert body["failing"] == []
        assert set(body["checks"]) == {"database", "redis", "worker", "usage_flush"}
        assert body["checks"]["usage_flush"]["pending"] == 0


def test_healthz_is_503_naming_the_worker_when_its_heartbeat_is_missing_or_stale():
    redis = get_redis_connection("default")
    saved = redis.get(HEARTBEAT_KEY)
    try:
        redis.delete(HEARTBEAT_KEY)
        missing = Client(HTTP_HOST="localhost").get("/healthz")
        redis.set(HEARTBEAT_KEY, f"{time.time() - 3600:.3f}")
        stale = Client(HTTP_HOST="localhost").get("/healthz")
    finally:
        if saved is not None:
            redis.set(HEARTBEAT_KEY, saved)

    for response in (missing, stale):
        assert response.status_code == 503
        assert response.json()["failing"] == ["worker"]
        assert response.json()["checks"]["database"]["ok"] is True
    assert stale.json()["checks"]["worker"]["last_heartbeat_age_s"] >= 3599


def test_healthz_is_503_naming_redis_when_redis_is_down():
    dead_redis = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2},
        }
    }
    with override_settings(CACHES=dead_redis):
        response = Client(HTTP_HOST="localhost").get("/healthz")

    assert response.status_code == 503
    # The flush cannot be judged (nor run) without Redis.
    assert response.json()["failing"] == ["redis", "worker", "usage_flush"]
    assert response.json()["checks"]["usage_flush"]["ok"] is False


def test_healthz_is_503_naming_the_usage_flush_when_its_oldest_record_waits_too_long(
    heartbeat, tenant, settings
):
    # given: the flush is up to date, then a record arrives and is not flushed for over 1 s
    settings.USAGE_FLUSH_MAX_LAG_SECONDS = 1
    redis = get_redis_connection("default")
    usage_flush()
    fresh = Client(HTTP_HOST="localhost").get("/healthz")
    redis.xadd(USAGE_STREAM, _record_fields(tenant))
    time.sleep(1.3)

    # when
    stalled = Client(HTTP_HOST="localhost").get("/healthz")
    usage_flush()
    recovered = Client(HTTP_HOST="localhost").get("/healthz")

    # then
    assert fresh.status_code == 200, fresh.content
    assert stalled.status_code == 503
    assert stalled.json()["failing"] == ["usage_flush"]
    check = stalled.json()["checks"]["usage_flush"]
    assert check["ok"] is False and check["pending"] == 1 and check["lag_seconds"] >= 1.3
    assert recovered.status_code == 200, recovered.content
    check = recovered.json()["checks"]["usage_flush"]
    assert (check["ok"], check["lag_seconds"], check["pending"]) == (True, 0, 0)


def test_healthz_counts_quarantined_records_without_failing(heartbeat, tenant):
    # given: an entry the flush cannot fold (a NUL in its path: the capture never writes one)
    redis = get_redis_connection("default")
    usage_flush()
    before = Client(HTTP_HOST="localhost").get("/healthz").json()["checks"]["usage_flush"]
    poisoned = _record_fields(tenant) | {"p": "/v1/challenges/\x00"}
    redis.xadd(USAGE_STREAM, poisoned)

    # when
    flushed = usage_flush()
    after = Client(HTTP_HOST="localhost").get("/healthz")

    # then: the flush moved past it, kept it, and the health says so but stays ok
    assert flushed.quarantined == 1
    assert after.status_code == 200, after.content
    check = after.json()["checks"]["usage_flush"]
    assert check["quarantined"] == before["quarantined"] + 1 == UsageQuarantine.objects.count()
    assert check["pending"] == 0


def test_a_task_enqueued_for_a_tenant_runs_in_that_tenants_schema(
    celery_worker_process, tenant, other_tenant
):
    from django_tenants.utils import tenant_context

    redis = get_redis_connection("default")
    expectations = {}
    # when: the same task is enqueued from three schemas
    for target in (tenant, tenant.sandbox, other_tenant):
        token = uuid.uuid4().hex
        with tenant_context(target):
            diagnose_schema.delay(token)
        expectations[token] = target.schema_name
    public_token = uuid.uuid4().hex
    diagnose_schema.delay(public_token)
    expectations[public_token] = "public"

    # then: each ran in the schema it was enqueued from
    for token, schema in expectations.items():
        ran_in = wait_for(lambda t=token: redis.get(f"openchance:diag:{t}"), timeout=30)
        assert ran_in.decode() == schema


def test_livez_stays_200_for_load_balancers_while_redis_is_down():
    dead_redis = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2},
        }
    }
    with override_settings(CACHES=dead_redis):
        health = Client(HTTP_HOST="localhost").get("/healthz")
        live = Client(HTTP_HOST="10.0.0.7").get("/livez")

    assert health.status_code == 503
    assert live.status_code == 200
    assert live.json() == {"status": "ok"}
