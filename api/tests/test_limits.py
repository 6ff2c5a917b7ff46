"""Plans and limits: rate-limit headers, bursts, cost weights, endpoint limits, monthly quotas,
overage, and the sandbox never counting toward billing."""

import dataclasses
import uuid

import pytest

from api.gateway import key_authenticate, rate_limit_check
from api.gateway.limits import LimitResult
from apikeys.services import api_key_create
from billing.models import Plan
from organisations.services import organisation_provision

pytestmark = pytest.mark.django_db


@pytest.fixture
def probes(settings):
    settings.ROOT_URLCONF = "api.tests.probes"


def _plan(**fields) -> Plan:
    defaults = {
        "code": f"custom-{uuid.uuid4().hex[:8]}",
        "name": "Custom",
        "rate_per_second": 1,
        "burst": 3,
        "included_calls": None,
        "is_public": False,
    }
    return Plan.objects.create(**{**defaults, **fields})


def _provision(plan: Plan):
    slug = f"lim-{uuid.uuid4().hex[:8]}"
    provisioned = organisation_provision(
        slug=slug, name="Limits", plan_code=plan.code, owner_email=f"{slug}@limits.test"
    )
    return provisioned, f"{slug}.localhost"


def test_every_response_carries_rate_limit_headers(api_client):
    first = api_client.get("/v1/me")
    second = api_client.get("/v1/me")

    for response in (first, second):
        assert response["X-RateLimit-Limit"] == "50"
        assert response["RateLimit-Policy"] == '"pro";q=50;w=2'
        remaining = int(response["X-RateLimit-Remaining"])
        assert response["RateLimit"].startswith(f'"pro";r={remaining};t=')
        assert int(response["X-RateLimit-Reset"]) > 1_700_000_000
    assert int(second["X-RateLimit-Remaining"]) < int(first["X-RateLimit-Remaining"]) + 1


def test_past_the_burst_calls_get_429_naming_the_limit_and_the_plan_that_lifts_it(
    api_client_factory,
):
    # given a plan of 1 call/s with a burst of 3
    provisioned, host = _provision(_plan(rate_per_second=1, burst=3))
    client = api_client_factory(provisioned.live_key, host=host)

    # when
    statuses = [client.get("/v1/me").status_code for _ in range(5)]
    refused = client.get("/v1/me")

    # then
    assert statuses[:3] == [200, 200, 200] and 429 in statuses[3:]
    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/problem+json"
    body = refused.json()
    assert body["code"] == "rate_limited"
    assert body["limit"] == {"name": "rate", "rate_per_second": 1, "burst": 3, "cost": 1}
    assert body["plan"] == provisioned.tenant.plan.code
    assert body["upgrade_plan"] == "free"  # the first public plan with a higher rate
    assert "Free plan lifts it" in body["detail"]
    assert refused["Retry-After"] == "1"
    assert refused["X-RateLimit-Remaining"] == "0"


def test_endpoints_can_weigh_more(probes, api_client_factory):
    provisioned, host = _provision(_plan(rate_per_second=1, burst=20))
    client = api_client_factory(provisioned.live_key, host=host)

    after_one = int(client.get("/v1/me")["X-RateLimit-Remaining"])
    after_costly = int(client.get("/v1/_probe/costly")["X-RateLimit-Remaining"])

    assert after_one == 19
    assert after_costly in (14, 15)  # 5 tokens, give or take a token refilled meanwhile


def test_endpoint_limit_of_its_own_answers_429_not_403(probes, api_client_factory, tenant):
    client = api_client_factory(api_key_create(tenant=tenant, name="limited").secret)

    statuses = [client.get("/v1/_probe/limited").status_code for _ in range(3)]

    assert statuses == [200, 200, 429]
    refused = client.get("/v1/_probe/limited")
    assert refused.json()["code"] == "rate_limited" and "Retry-After" in refused


def test_free_plan_past_its_monthly_quota_gets_quota_exceeded(api_client_factory):
    # given a hard-capped plan of 3 calls a month
    plan = _plan(rate_per_second=100, burst=100, included_calls=3, is_hard_cap=True)
    provisioned, host = _provision(plan)
    live = api_client_factory(provisioned.live_key, host=host)
    sandbox = api_client_factory(provisioned.test_key, host=host)

    # when
    statuses = [live.get("/v1/me").status_code for _ in range(3)]
    refused = live.get("/v1/me")

    # then
    assert statuses == [200, 200, 200]
    assert refused.status_code == 429
    body = refused.json()
    assert body["code"] == "quota_exceeded" and body["title"] == "Monthly quota exceeded"
    assert body["limit"] == {"name": "monthly_quota", "included_calls": 3}
    assert body["upgrade_plan"] == "free"  # more included calls
    assert int(refused["Retry-After"]) > 0
    # the sandbox is limited but never counted, so it keeps working
    assert sandbox.get("/v1/me").status_code == 200


def test_paid_plans_run_on_into_overage(api_client_factory):
    provisioned, host = _provision(_plan(rate_per_second=100, burst=100, included_calls=2))
    client = api_client_factory(provisioned.live_key, host=host)

    responses = [client.get("/v1/me") for _ in range(3)]

    assert [r.status_code for r in responses] == [200, 200, 200]
    assert responses[-1].json()["usage"] | {"period_start": None, "period_end": None} == {
        "period_start": None,
        "period_end": None,
        "billable_calls": 3,
        "included_calls": 2,
        "overage_calls": 1,
    }


def test_sandbox_calls_are_limited_but_never_counted(api_client_factory):
    provisioned, host = _provision(_plan(rate_per_second=1, burst=2, included_calls=10))
    live = api_client_factory(provisioned.live_key, host=host)
    sandbox = api_client_factory(provisioned.test_key, host=host)

    live.get("/v1/me")
    sandbox_statuses = [sandbox.get("/v1/me").status_code for _ in range(3)]
    me = live.get("/v1/me").json()

    assert sandbox_statuses[:2] == [200, 200] and sandbox_statuses[2] == 429
    assert me["usage"]["billable_calls"] == 2  # the two live calls only


def test_the_limit_result_holds_every_field_of_its_class(live_key):
    # rate_limit_check makes it with core.frozen.frozen_instance, which checks nothing itself.
    context = key_authenticate(live_key, host_tenant=None)
    result = rate_limit_check(context)
    assert set(vars(result)) <= {field.name for field in dataclasses.fields(LimitResult)}
    assert LimitResult(**vars(result)) == result
