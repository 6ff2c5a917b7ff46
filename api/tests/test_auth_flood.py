"""A flood of well-formed but unknown keys: bounded PostgreSQL lookups per client address (429
``too_many_failed_authentications`` past the limit), negative caching, and no effect on a client
with a valid key elsewhere (``api.gateway.auth_guard``)."""

import uuid

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from api.gateway.auth_guard import auth_failures_reset
from api.gateway.pipeline import redis_state
from apikeys.keys import api_key_generate
from apikeys.models import ApiKeySecret
from core.testing import host_of, problem

pytestmark = pytest.mark.django_db

API_HOST = f"api.{settings.BASE_DOMAIN}"
LIMIT = 20


@pytest.fixture(autouse=True)
def _limit(settings):
    settings.API_AUTH_FAILURE_LIMIT = LIMIT
    settings.API_AUTH_FAILURE_WINDOW_SECONDS = 60
    auth_failures_reset()
    yield
    auth_failures_reset()


@pytest.fixture
def address():
    """A client address of its own per test (the counters live in Redis for a minute)."""
    suffix = uuid.uuid4().int
    return f"2001:db8::{suffix % 65536:x}:{(suffix >> 16) % 65536:x}"


def _call(key: str, address: str, host: str = API_HOST, **extra):
    client = Client(HTTP_HOST=host, REMOTE_ADDR=address, HTTP_AUTHORIZATION=f"Bearer {key}")
    return client.get("/v1/me", **extra)


def _key_lookups(queries) -> int:
    table = f'"{ApiKeySecret._meta.db_table}"'
    return sum(
        1 for query in queries if query["sql"].startswith("SELECT") and table in query["sql"]
    )


def test_random_keys_from_one_address_cost_bounded_lookups(address, live_key, api_client_factory):
    # given 300 random keys with a valid checksum
    keys = [api_key_generate(mode="live").raw for _ in range(300)]

    # when one address presents them all
    with CaptureQueriesContext(connection) as queries:
        responses = [_call(key, address) for key in keys]

    # then the first LIMIT cost a lookup and were refused 401; the rest 429, without a lookup
    statuses = [response.status_code for response in responses]
    assert statuses == [401] * LIMIT + [429] * (300 - LIMIT)
    assert _key_lookups(queries.captured_queries) == LIMIT
    body = problem(responses[-1], 429, "too_many_failed_authentications")
    assert body["limit"] == {"name": "failed_authentications", "limit": LIMIT, "window_seconds": 60}
    assert 1 <= int(responses[-1]["Retry-After"]) <= 60
    assert body["retry_after"] == int(responses[-1]["Retry-After"])

    # and a valid key from another address is served as ever
    assert _call(live_key, "198.51.100.7").status_code == 200


def test_a_valid_key_verified_before_the_flood_keeps_working_from_that_address(address, live_key):
    assert _call(live_key, address).status_code == 200  # verified: in this process's key cache
    for _ in range(LIMIT):
        assert _call(api_key_generate(mode="live").raw, address).status_code == 401

    assert _call(api_key_generate(mode="live").raw, address).status_code == 429
    assert _call(live_key, address).status_code == 200


def test_an_unknown_key_is_cached_negatively(address):
    key = api_key_generate(mode="live").raw

    with CaptureQueriesContext(connection) as queries:
        statuses = [_call(key, address).status_code for _ in range(5)]

    assert statuses == [401] * 5
    assert _key_lookups(queries.captured_queries) == 1


def test_malformed_keys_cost_nothing_and_do_not_count(address, live_key):
    good = api_key_generate(mode="live").raw
    bad_checksum = good[:-1] + ("A" if good[-1] != "A" else "B")

    with CaptureQueriesContext(connection) as queries:
        statuses = [_call(bad_checksum, address).status_code for _ in range(LIMIT * 2)]

    assert statuses == [401] * (LIMIT * 2)
    assert _key_lookups(queries.captured_queries) == 0
    assert _call(api_key_generate(mode="live").raw, address).status_code == 401  # not 429


def test_a_key_on_another_tenants_host_counts_as_a_failure(address, other_live_key, tenant):
    for _ in range(LIMIT):
        response = _call(other_live_key, address, host=host_of(tenant))
        problem(response, 401, "invalid_api_key")

    problem(_call(api_key_generate(mode="live").raw, address), 429)


def test_x_forwarded_for_is_ignored_unless_trusted(settings, address, live_key):
    # given a client that claims a fresh address for every call
    def spoofed(index: int):
        return _call(
            api_key_generate(mode="live").raw, address, HTTP_X_FORWARDED_FOR=f"10.0.{index}.1"
        )

    assert [spoofed(i).status_code for i in range(LIMIT + 1)] == [401] * LIMIT + [429]

    # when one proxy of ours is declared, its entry (the rightmost) is the client address
    settings.API_TRUSTED_PROXY_COUNT = 1
    proxied = [
        _call(api_key_generate(mode="live").raw, address, HTTP_X_FORWARDED_FOR=f"1.2.3.4, {ip}")
        for ip in ["192.0.2.10"] * (LIMIT + 1)
    ]
    assert [r.status_code for r in proxied] == [401] * LIMIT + [429]
    # and the proxy's own address (REMOTE_ADDR, blocked above) does not block other clients
    assert _call(live_key, address, HTTP_X_FORWARDED_FOR="192.0.2.11").status_code == 200


def test_redis_down_falls_back_to_a_limit_per_process(address, live_key):
    # given the gateway's Redis circuit open (as after a Redis error)
    redis_state.unavailable_until = float("inf")
    try:
        with CaptureQueriesContext(connection) as queries:
            statuses = [
                _call(api_key_generate(mode="live").raw, address).status_code
                for _ in range(LIMIT * 3)
            ]
        # then the process counts failures itself
        assert statuses == [401] * LIMIT + [429] * (LIMIT * 2)
        assert _key_lookups(queries.captured_queries) == LIMIT
        assert _call(live_key, "198.51.100.8").status_code == 200
    finally:
        redis_state.unavailable_until = 0.0
