"""/healthz: PostgreSQL, Redis and the worker heartbeat, with a real worker process."""

import time
import uuid

import pytest
from django.test import Client, override_settings
from django_redis import get_redis_connection

from core.testing import wait_for
from openchance.celery import diagnose_schema
from openchance.health import HEARTBEAT_KEY

pytestmark = pytest.mark.django_db


def test_healthz_is_200_when_database_redis_and_worker_are_fine(celery_worker_process, tenant):
    # given: the worker has reported in (it does at start-up)
    assert get_redis_connection("default").get(HEARTBEAT_KEY) is not None

    # then: on any host, including ones no tenant owns
    for host in ["localhost", "alpha.localhost", "api.localhost", "10.0.0.7"]:
        response = Client(HTTP_HOST=host).get("/healthz")
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["status"] == "ok"
        assert body["failing"] == []
        assert set(body["checks"]) == {"database", "redis", "worker"}


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
    assert response.json()["failing"] == ["redis", "worker"]


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
