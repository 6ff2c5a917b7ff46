"""The gateway across real server processes: limits hold with many parallel clients against two
uvicorn workers, and a revoked key stops working on every process within 5 seconds.

These tests commit what the server must see (``django_db_blocker.unblock()``, no ``db``
fixture) and delete it afterwards.
"""

import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from django.conf import settings

from api.gateway import rate_limit_reset
from api.testing import uvicorn_server
from apikeys.services import api_key_create, api_key_revoke
from billing.models import Plan
from core.testing import host_of
from organisations.services import organisation_provision
from tenants.services import tenant_delete, tenant_reactivate, tenant_suspend

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(_session_tenants, tmp_path_factory):
    with uvicorn_server(workers=2, log_dir=tmp_path_factory.mktemp("uvicorn")) as base_url:
        yield base_url


@pytest.fixture
def limited_tenant(_session_tenants, django_db_blocker):
    """A committed tenant on a custom plan of 2 calls/s with a burst of 10."""
    with django_db_blocker.unblock():
        plan = Plan.objects.create(
            code=f"conc-{uuid.uuid4().hex[:8]}",
            name="Concurrency",
            rate_per_second=2,
            burst=10,
            is_public=False,
        )
        slug = f"conc-{uuid.uuid4().hex[:8]}"
        provisioned = organisation_provision(
            slug=slug, name="Concurrency", plan_code=plan.code, owner_email=f"{slug}@conc.test"
        )
    yield provisioned
    with django_db_blocker.unblock():
        tenant_delete(tenant=provisioned.tenant)
        plan.delete()


def test_limits_hold_across_processes_under_many_parallel_clients(server, limited_tenant):
    # given 40 clients, each with its own connection, released at the same moment
    host = host_of(limited_tenant.tenant)
    headers = {"Host": host, "Authorization": f"Bearer {limited_tenant.live_key}"}
    clients, calls_per_client = 40, 3
    start = threading.Barrier(clients)

    def client_run(_index: int) -> list[int]:
        with httpx.Client(base_url=server, headers=headers, timeout=30) as client:
            start.wait()
            return [client.get("/v1/me").status_code for _ in range(calls_per_client)]

    # when
    began = time.monotonic()
    with ThreadPoolExecutor(clients) as pool:
        statuses = [status for result in pool.map(client_run, range(clients)) for status in result]
    elapsed = time.monotonic() - began

    # then: never more than the burst plus what the rate refilled meanwhile
    allowed = statuses.count(200)
    assert set(statuses) <= {200, 429}
    assert 10 <= allowed <= 10 + int(2 * elapsed) + 1, (allowed, elapsed)
    assert statuses.count(429) == clients * calls_per_client - allowed


@pytest.mark.parametrize(
    ("change", "host", "refused_with"),
    [("revoke", "tenant", 401), ("suspend", "api", 403), ("suspend", "tenant", 403)],
)
def test_a_change_reaches_every_process_within_5_seconds(
    server, _session_tenants, django_db_blocker, change, host, refused_with
):
    """A revocation or a suspension is refused everywhere within API_KEY_CACHE_SECONDS, also on
    the shared API host, where only the key cache stands between a call and the tenant row."""
    # given a key that both worker processes have verified and cached
    alpha = _session_tenants[0]
    rate_limit_reset(organisation_id=alpha.pk)
    with django_db_blocker.unblock():
        issued = api_key_create(tenant=alpha, name=f"to {change} across processes")
    host_header = host_of(alpha) if host == "tenant" else f"api.{settings.BASE_DOMAIN}"
    headers = {"Host": host_header, "Authorization": f"Bearer {issued.secret}"}

    def call() -> int:
        # A new connection each time, so the calls spread over the worker processes.
        return httpx.get(f"{server}/v1/me", headers=headers, timeout=10).status_code

    try:
        assert [call() for _ in range(16)] == [200] * 16

        # when
        with django_db_blocker.unblock():
            if change == "revoke":
                api_key_revoke(api_key=issued.api_key)
            else:
                tenant_suspend(tenant=alpha, reason="test")
        changed_at = time.monotonic()

        # then
        last_success, refusals_in_a_row = None, 0
        while refusals_in_a_row < 30 and time.monotonic() - changed_at < 12:
            status = call()
            if status == 200:
                last_success, refusals_in_a_row = time.monotonic() - changed_at, 0
            else:
                assert status == refused_with
                refusals_in_a_row += 1
            time.sleep(0.05)
        assert refusals_in_a_row == 30
        assert last_success is None or last_success <= 5.0, last_success
    finally:
        with django_db_blocker.unblock():
            tenant_reactivate(tenant=alpha)
            issued.api_key.delete()
