"""PostgreSQL down, saturated or hanging: the API answers 503 ``database_unavailable`` problem+json
with ``Retry-After`` within a bounded time — never a 500 — and recovers by itself once PostgreSQL
is back, without a restart.

The server reaches the test database through ``api.testing.PostgresProxy``, which the test
switches between relaying, refusing connections (PostgreSQL down), answering ``too many clients
already`` (PostgreSQL at max_connections) and accepting without answering (a hung server); every
switch away from relaying also cuts the connections the pool holds. The real PostgreSQL is never
touched.
"""

import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from django.conf import settings

from api.testing import PostgresProxy, uvicorn_server
from apikeys.services import api_key_create
from core.testing import database_url

pytestmark = pytest.mark.slow

API_HOST = f"api.{settings.BASE_DOMAIN}"
POOL_TIMEOUT = 2
CONNECT_TIMEOUT = 2
RETRY_AFTER = 3
# The slowest answer allowed while PostgreSQL is away: the pool timeout, plus a connection attempt
# that hangs for connect_timeout, plus scheduling on a shared machine.
ANSWER_BOUND_SECONDS = POOL_TIMEOUT + CONNECT_TIMEOUT + 3
# How long recovery may take once PostgreSQL is back (the pool's reconnection backoff).
RECOVERY_BOUND_SECONDS = 15


@pytest.fixture(scope="module")
def proxy():
    proxy = PostgresProxy()
    yield proxy
    proxy.close()


@pytest.fixture(scope="module")
def server(proxy, _session_tenants, tmp_path_factory):
    env = {
        "DATABASE_URL": proxy.url_for(database_url()),
        "DATABASE_POOL_MAX_SIZE": "4",
        "DATABASE_POOL_TIMEOUT": str(POOL_TIMEOUT),
        "DATABASE_CONNECT_TIMEOUT": str(CONNECT_TIMEOUT),
        "DATABASE_POOL_RECONNECT_TIMEOUT": "3",
        "DATABASE_RETRY_AFTER_SECONDS": str(RETRY_AFTER),
        # Keys are verified again every half second, so outages reach the key lookup too.
        "API_KEY_CACHE_SECONDS": "0.5",
    }
    with uvicorn_server(log_dir=tmp_path_factory.mktemp("uvicorn"), **env) as base_url:
        yield base_url


@pytest.fixture(scope="module")
def key(_session_tenants, django_db_blocker):
    with django_db_blocker.unblock():
        issued = api_key_create(tenant=_session_tenants[0], name="database faults")
    yield issued.secret
    with django_db_blocker.unblock():
        issued.api_key.delete()


def _call(
    base_url: str, key: str, *, host: str = API_HOST, limit: int = 10
) -> tuple[httpx.Response, float]:
    """One list call. Each ``limit`` is its own URL for the response cache of the read routes:
    calls meant to reach PostgreSQL use a limit no earlier call used."""
    started = time.monotonic()
    response = httpx.get(
        f"{base_url}/v1/challenges?limit={limit}",
        headers={"Host": host, "Authorization": f"Bearer {key}"},
        timeout=60,
    )
    return response, time.monotonic() - started


def _assert_database_unavailable(response: httpx.Response) -> None:
    assert response.status_code == 503, (response.status_code, response.text[:500])
    assert response.headers["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["code"] == "database_unavailable" and body["status"] == 503
    assert body["request_id"] == response.headers["X-Request-Id"]
    assert response.headers["Retry-After"] == str(RETRY_AFTER)


def _served_again(base_url: str, key: str) -> float:
    """Seconds until calls succeed again; then 20 in a row must."""
    restored = time.monotonic()
    while True:
        response, _ = _call(base_url, key)
        if response.status_code == 200:
            break
        _assert_database_unavailable(response)
        assert time.monotonic() - restored < RECOVERY_BOUND_SECONDS, "no recovery"
        time.sleep(0.2)
    recovered_after = time.monotonic() - restored
    assert [_call(base_url, key)[0].status_code for _ in range(20)] == [200] * 20
    return recovered_after


@pytest.mark.parametrize("fault", ["refuse", "saturate", "blackhole"])
def test_an_outage_answers_503_in_bounded_time_and_recovers_by_itself(server, proxy, key, fault):
    # given a server whose pool holds connections through the proxy
    with ThreadPoolExecutor(8) as pool:
        warm = list(pool.map(lambda _: _call(server, key)[0].status_code, range(16)))
    assert warm == [200] * 16

    # when PostgreSQL goes away (the pool's connections are cut with it)
    proxy.switch(fault)
    try:
        with ThreadPoolExecutor(12) as pool:
            # Limits the warm-up never asked for: no answer of the response cache stands in.
            during = list(pool.map(lambda i: _call(server, key, limit=50 + i), range(36)))
        unknown_host, unknown_host_took = _call(server, key, host=f"h{uuid.uuid4().hex[:8]}.com")
    finally:
        proxy.switch("forward")

    # then every call is a 503 problem with Retry-After, never a 500, and none waits unbounded
    for response, _took in during:
        _assert_database_unavailable(response)
    slowest = max(took for _, took in during)
    assert slowest <= ANSWER_BOUND_SECONDS, slowest
    # (host resolution fails in a middleware, outside DRF: the same answer)
    _assert_database_unavailable(unknown_host)
    assert unknown_host_took <= ANSWER_BOUND_SECONDS

    # and once PostgreSQL is back, the same server serves again by itself
    assert _served_again(server, key) <= RECOVERY_BOUND_SECONDS
