"""What the REST gateway meters for a call: billable or not, and under which route."""

import uuid

import pytest
from django_tenants.utils import tenant_context

from api.bases import UNMATCHED_ROUTE
from api.gateway import usage_buffer_push
from apikeys.services import api_key_create
from core.testing import problem
from metering.models import UsageMinute
from metering.services import usage_flush
from requestlog.models import RequestLog

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def probes(settings):
    settings.ROOT_URLCONF = "api.tests.probes"


def _ledger(api_key_id: str) -> dict[tuple[str, int], tuple[int, bool]]:
    usage_buffer_push()
    usage_flush()
    return {
        (row.route, row.status): (row.calls, row.is_billable)
        for row in UsageMinute.objects.filter(api_key_id=api_key_id)
    }


def test_answers_that_failed_on_our_side_are_metered_but_not_billed(api_client_factory, tenant):
    # given
    issued = api_key_create(tenant=tenant, name="5xx")
    client = api_client_factory(issued.secret)

    # when: a 503 after the limit check (PostgreSQL gone), a 500, and a 200 for contrast
    problem(client.get("/v1/_probe/database-down"), 503, "database_unavailable")
    problem(client.get("/v1/_probe/failing"), 500, "internal_error")
    assert client.get("/v1/_probe/costly").status_code == 200
    problem(client.get("/v1/_probe/nope"), 404, "not_found")

    # then
    assert _ledger(issued.api_key.pk) == {
        ("/v1/_probe/database-down", 503): (1, False),
        ("/v1/_probe/failing", 500): (1, False),
        ("/v1/_probe/costly", 200): (1, True),
        (UNMATCHED_ROUTE, 404): (1, True),  # a client error is a call like any other
    }


def test_unmatched_paths_share_one_route_and_keep_their_path_in_the_request_log(
    api_client_factory, tenant
):
    # given
    issued = api_key_create(tenant=tenant, name="unmatched")
    client = api_client_factory(issued.secret)
    paths = [f"/v1/no-such-{uuid.uuid4().hex}" for _ in range(5)] + ["/v1/challenges/x/nope"]

    # when
    for path in paths:
        problem(client.get(path), 404, "not_found")

    # then: one ledger row however many distinct paths, each path in its request log
    assert _ledger(issued.api_key.pk) == {(UNMATCHED_ROUTE, 404): (len(paths), True)}
    with tenant_context(tenant):
        logs = RequestLog.objects.filter(api_key_id=issued.api_key.pk)
        assert sorted(log.path for log in logs) == sorted(paths)
        assert {log.route for log in logs} == {UNMATCHED_ROUTE}


def test_unmatched_operations_of_a_batch_share_the_route_too(api_client_factory, tenant):
    issued = api_key_create(tenant=tenant, name="batch unmatched")
    client = api_client_factory(issued.secret)
    operations = [{"method": "GET", "path": f"/v1/x-{uuid.uuid4().hex}"} for _ in range(3)]

    response = client.post("/v1/batch", {"operations": operations}, content_type="application/json")

    assert response.status_code == 200, response.content
    ledger = _ledger(issued.api_key.pk)
    assert ledger[(UNMATCHED_ROUTE, 404)] == (3, True)
    assert all(route in ("/v1/batch", UNMATCHED_ROUTE) for route, _status in ledger)
