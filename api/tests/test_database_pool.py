"""The database pool (``tenants.postgresql_backend``): a bounded number of PostgreSQL connections
per process under parallel load, every pooled connection switched to the right tenant's schema
whoever used it before, no slot lost to a thread that ends holding a connection, and connections
back in the pool carry no tenant's ``search_path``.

The server tests commit what the server must see (``django_db_blocker.unblock()``, no ``db``
fixture) and delete it afterwards.
"""

import os
import signal
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from django.conf import settings
from django.db import connection, connections

from api.testing import DatabaseConnectionCounter, uvicorn_server
from billing.models import Plan
from core.testing import wait_for
from organisations.services import organisation_provision
from tenants.postgresql_backend.base import checkouts
from tenants.services import tenant_delete

API_HOST = f"api.{settings.BASE_DOMAIN}"
POOL_MAX_SIZE = 3


# --- in this process


def _in_a_thread(work):
    result = {}

    def run():
        try:
            result["value"] = work()
        except BaseException as exc:  # noqa: BLE001 - handed to the test below
            result["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=30)
    if "error" in result:
        raise result["error"]
    return result["value"]


@pytest.mark.django_db
def test_a_thread_that_ends_holding_a_connection_loses_no_pool_slot():
    # given a pool of DATABASE_POOL_MAX_SIZE connections, one held by this test's transaction
    max_size = settings.DATABASES["default"]["OPTIONS"]["pool"]["max_size"]

    def query_and_leave():
        # A thread of its own: its own wrapper, a connection borrowed and never closed.
        started = time.monotonic()
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
        return time.monotonic() - started

    # when three times as many threads as the pool has slots each end holding one
    waits = [_in_a_thread(query_and_leave) for _ in range(3 * max_size)]

    # then none waited for a slot (a lost slot costs DATABASE_POOL_TIMEOUT, then an error)
    assert max(waits) < settings.DATABASE_POOL_TIMEOUT / 2, waits
    assert len(checkouts) <= 2  # this test's connection and the last thread's


@pytest.mark.django_db
def test_a_connection_back_in_the_pool_carries_no_tenant_search_path(tenant):
    # given a thread that used a connection in the tenant's schema and gave it back
    def tenant_query():
        wrapper = connections["default"]
        wrapper.set_tenant(tenant)
        with wrapper.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid(), current_setting('search_path')")
            pid, search_path = cursor.fetchone()
        wrapper.close()  # back to the pool, as at the end of a request
        return pid, search_path

    pid, search_path = _in_a_thread(tenant_query)
    assert search_path.split(",")[0].strip('" ') == tenant.schema_name

    # when that very session is borrowed again, straight from the pool (no Django cursor)
    pool = connection.pool
    borrowed, found = [], None
    deadline = time.monotonic() + 10
    try:
        while found is None and time.monotonic() < deadline:
            raw = pool.getconn(timeout=5)
            borrowed.append(raw)
            if raw.execute("SELECT pg_backend_pid()").fetchone()[0] == pid:
                found = raw
            elif len(borrowed) >= pool.max_size - 1:
                for other in borrowed:
                    pool.putconn(other)
                borrowed.clear()
                time.sleep(0.05)  # the return goes through a pool worker (the reset)

        # then its search_path is the default one, not the tenant's
        assert found is not None
        assert found.execute("SHOW search_path").fetchone()[0] == '"$user", public'
    finally:
        for raw in borrowed:
            pool.putconn(raw)


@pytest.mark.django_db
def test_a_forked_child_never_uses_the_parents_pool_or_sessions():
    """Celery's prefork workers (and ``migrate_schemas`` in parallel) fork a process that may
    hold a pool: the child must build its own, and leave the parent's sessions alone."""
    # given a parent with a pooled connection in use (this test's transaction) and idle ones
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        parent_session = cursor.fetchone()[0]
    read_end, write_end = os.pipe()

    # when it forks, and the child closes what it inherited and queries from a new thread
    child = os.fork()
    if child == 0:  # pragma: no cover - the child reports through the pipe only
        status = 1
        try:
            os.close(read_end)
            connection.close()  # the parent's connection: forgotten, not ended

            def backend_pid() -> int:
                with connections["default"].cursor() as cursor:
                    cursor.execute("SELECT pg_backend_pid()")
                    return cursor.fetchone()[0]

            backend = _in_a_thread(backend_pid)
            os.write(write_end, str(backend).encode())
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    deadline = time.monotonic() + 30
    while (finished := os.waitpid(child, os.WNOHANG))[0] == 0:
        if time.monotonic() > deadline:
            os.kill(child, signal.SIGKILL)
            pytest.fail("the child hung (an inherited pool has no worker threads)")
        time.sleep(0.05)
    child_session = int(os.read(read_end, 64) or 0)
    os.close(read_end)

    # then the child's session was its own: it ended with the child, and the parent's still works
    assert os.waitstatus_to_exitcode(finished[1]) == 0
    assert child_session and child_session != parent_session

    def child_session_alive() -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [child_session])
            return cursor.fetchone()[0] == 1

    wait_for(lambda: not child_session_alive(), timeout=10)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] == parent_session


# --- a real server


@pytest.fixture(scope="module")
def busy_tenants(_session_tenants, django_db_blocker):
    """Two committed tenants on a plan no test here can exhaust, each with a challenge that
    names its tenant (live) and its sandbox."""
    with django_db_blocker.unblock():
        plan = Plan.objects.create(
            code=f"pool-{uuid.uuid4().hex[:8]}",
            name="Pool",
            rate_per_second=100_000,
            burst=100_000,
            is_public=False,
        )
        provisioned = [
            organisation_provision(
                slug=f"pool-{uuid.uuid4().hex[:8]}",
                name="Pool",
                plan_code=plan.code,
                owner_email=f"pool-{index}@pool.test",
            )
            for index in range(2)
        ]
    yield provisioned
    with django_db_blocker.unblock():
        for each in provisioned:
            tenant_delete(tenant=each.tenant)
        plan.delete()


@pytest.fixture(scope="module")
def pooled_server(busy_tenants, tmp_path_factory):
    """A single-worker uvicorn with a pool of POOL_MAX_SIZE whose connections PostgreSQL lists
    under an application name of their own."""
    application_name = f"oc-pool-{uuid.uuid4().hex[:8]}"
    env = {
        "PGAPPNAME": application_name,
        "DATABASE_POOL_MAX_SIZE": str(POOL_MAX_SIZE),
        "DATABASE_POOL_MIN_SIZE": "1",
        "DATABASE_POOL_TIMEOUT": "20",
    }
    with uvicorn_server(log_dir=tmp_path_factory.mktemp("uvicorn"), **env) as base_url:
        yield base_url, application_name


def _marked_challenges(base_url: str, keys: dict[str, str]) -> None:
    for marker, key in keys.items():
        response = httpx.post(
            f"{base_url}/v1/challenges",
            json={"title": marker},
            headers={"Host": API_HOST, "Authorization": f"Bearer {key}"},
            timeout=30,
        )
        assert response.status_code == 201, response.text


@pytest.mark.slow
def test_connections_stay_bounded_under_parallel_load(
    pooled_server, busy_tenants, _session_tenants
):
    # given a server with a pool of POOL_MAX_SIZE, and 48 clients with connections of their own
    base_url, application_name = pooled_server
    headers = {"Host": API_HOST, "Authorization": f"Bearer {busy_tenants[0].live_key}"}
    clients, rounds = 48, 4
    peak, sampling = 0, True
    connections_of_server = DatabaseConnectionCounter(application_name)

    def sample() -> None:
        nonlocal peak
        while sampling:
            peak = max(peak, connections_of_server())
            time.sleep(0.02)

    def client_run(_index: int) -> list[int]:
        with httpx.Client(base_url=base_url, headers=headers, timeout=60) as client:
            return [client.get("/v1/challenges").status_code for _ in range(rounds)]

    # when they all call at once, round after round
    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        with ThreadPoolExecutor(clients) as pool:
            statuses = [s for result in pool.map(client_run, range(clients)) for s in result]
    finally:
        sampling = False
        sampler.join()

    # then every call was served, and PostgreSQL never saw more than the pool's connections
    assert statuses == [200] * clients * rounds
    assert 1 <= peak <= POOL_MAX_SIZE, peak
    assert connections_of_server() <= POOL_MAX_SIZE
    connections_of_server.close()


@pytest.mark.slow
def test_pooled_connections_never_show_a_tenant_another_tenants_data(pooled_server, busy_tenants):
    # given three schemas (two tenants' live data, one sandbox), each with a challenge naming it
    base_url, _ = pooled_server
    first, second = busy_tenants
    keys = {
        f"live {first.tenant.slug}": first.live_key,
        f"sandbox {first.tenant.slug}": first.test_key,
        f"live {second.tenant.slug}": second.live_key,
    }
    _marked_challenges(base_url, keys)
    calls = [(marker, key) for _ in range(80) for marker, key in keys.items()]

    def call(marker_and_key: tuple[str, str]) -> tuple[str, int, set[str]]:
        marker, key = marker_and_key
        response = httpx.get(
            f"{base_url}/v1/challenges",
            params={"limit": 100},
            headers={"Host": API_HOST, "Authorization": f"Bearer {key}"},
            timeout=60,
        )
        titles = {item["title"] for item in response.json()["data"]}
        return marker, response.status_code, titles

    # when 240 calls alternate between them, 16 at a time, over POOL_MAX_SIZE connections
    with ThreadPoolExecutor(16) as pool:
        results = list(pool.map(call, calls))

    # then every answer shows its own schema's data and nothing else
    assert all(status == 200 for _, status, _ in results)
    wrong = [(marker, titles) for marker, _, titles in results if titles != {marker}]
    assert wrong == []
