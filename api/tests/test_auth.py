"""Authentication and routing: bearer keys, tenant hosts vs the shared API host, live vs sandbox
schemas, scopes, suspension, and /v1/me (the contract's first endpoint)."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from apikeys.keys import api_key_generate
from apikeys.models import ApiKey
from apikeys.services import api_key_create, api_key_revoke
from core.testing import host_of, problem
from metering.models import UsageMinute
from tenants.services import tenant_suspend

pytestmark = pytest.mark.django_db

API_HOST = f"api.{settings.BASE_DOMAIN}"


@pytest.fixture
def probes(settings):
    settings.ROOT_URLCONF = "api.tests.probes"


def test_me_shows_tenant_key_plan_limits_and_usage(api_client, tenant, live_key):
    response = api_client.get("/v1/me")

    assert response.status_code == 200
    me = response.json()
    assert me["tenant"] == {"id": "alpha", "name": tenant.name, "livemode": True}
    assert me["key"]["mode"] == "live" and me["key"]["scopes"] == ["all"]
    assert me["key"]["id"].startswith("key_")
    assert me["key"]["display"] == f"{live_key[:12]}…{live_key[-4:]}"
    assert me["plan"]["code"] == "pro" and me["plan"]["included_calls"] == 100_000
    assert me["limits"]["rate_per_second"] == 25 and me["limits"]["burst"] == 50
    assert me["usage"]["billable_calls"] >= 1
    assert me["usage"]["period_start"].endswith("-01T00:00:00Z")
    assert response["X-Request-Id"].startswith("req_")
    for header in ["X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"]:
        assert header in response
    assert response["RateLimit-Policy"] == '"pro";q=50;w=2'


def test_warm_request_runs_no_sql_query(api_client, django_assert_num_queries):
    api_client.get("/v1/me")  # warms the host and key caches

    with django_assert_num_queries(0):
        response = api_client.get("/v1/me")

    assert response.status_code == 200


def _malformed_keys():
    good = api_key_generate(mode="live").raw
    return {
        "missing": None,
        "empty": "",
        "not a key": "hello",
        "bad checksum": good[:-1] + ("A" if good[-1] != "A" else "B"),
        "unknown but well-formed": good,
        "too long": good * 3,
    }


@pytest.mark.parametrize("case", list(_malformed_keys()))
def test_missing_malformed_or_unknown_keys_get_401(api_client_factory, case, tenant):
    key = _malformed_keys()[case]

    response = api_client_factory(key).get("/v1/me")

    problem(response, 401, "invalid_api_key")


def test_malformed_key_is_refused_without_any_lookup(
    api_client_factory, tenant, django_assert_num_queries
):
    client = api_client_factory("oc_live_" + "x" * 38)
    client.get("/v1/me")  # warms the host cache

    with django_assert_num_queries(0):
        response = client.get("/v1/me")

    problem(response, 401, "invalid_api_key")
    assert "malformed" in response.json()["detail"]


def test_non_bearer_scheme_is_refused(tenant, live_key):
    response = Client(HTTP_HOST=host_of(tenant), HTTP_AUTHORIZATION=f"Basic {live_key}").get(
        "/v1/me"
    )

    problem(response, 401, "invalid_api_key")


def test_revoked_and_expired_keys_get_401(api_client_factory, tenant):
    revoked = api_key_create(tenant=tenant, name="revoked")
    api_key_revoke(api_key=revoked.api_key)
    expired = api_key_create(tenant=tenant, name="expired")
    ApiKey.objects.filter(pk=expired.api_key.pk).update(expires_at=timezone.now())

    problem(api_client_factory(revoked.secret).get("/v1/me"), 401, "invalid_api_key")
    problem(api_client_factory(expired.secret).get("/v1/me"), 401, "invalid_api_key")


def test_outsider_key_on_the_tenant_host_gets_401_and_nothing_is_metered(
    api_client_factory, other_live_key, tenant
):
    # given
    before = UsageMinute.objects.filter(tenant=tenant).count()

    # when
    response = api_client_factory(other_live_key).get("/v1/me")

    # then
    body = problem(response, 401, "invalid_api_key")
    assert "does not belong" in body["detail"]
    assert "alpha" not in response.content.decode()
    assert UsageMinute.objects.filter(tenant=tenant).count() == before


def test_on_the_shared_api_host_the_key_alone_selects_tenant_and_mode(
    api_client_factory, live_key, test_key, other_live_key, tenant, other_tenant
):
    alpha = api_client_factory(live_key, host=API_HOST).get("/v1/me")
    sandbox = api_client_factory(test_key, host=API_HOST).get("/v1/me")
    beta = api_client_factory(other_live_key, host=API_HOST).get("/v1/me")

    assert (alpha.json()["tenant"]["id"], alpha.json()["tenant"]["livemode"]) == ("alpha", True)
    assert (sandbox.json()["tenant"]["id"], sandbox.json()["tenant"]["livemode"]) == (
        "alpha",
        False,
    )
    assert beta.json()["tenant"]["id"] == "beta"
    assert alpha.wsgi_request.tenant.schema_name == tenant.schema_name
    assert sandbox.wsgi_request.tenant.schema_name == tenant.sandbox.schema_name
    assert beta.wsgi_request.tenant.schema_name == other_tenant.schema_name


def test_shared_api_host_without_a_key_gets_401(tenant):
    problem(Client(HTTP_HOST=API_HOST).get("/v1/me"), 401, "invalid_api_key")


def test_unknown_v1_routes_are_problem_404_on_both_hosts(api_client_factory, live_key):
    problem(api_client_factory(live_key).get("/v1/nothing/here"), 404, "not_found")
    problem(api_client_factory(live_key, host=API_HOST).get("/v1/nothing"), 404, "not_found")


def test_test_keys_act_on_the_sandbox_schema_and_live_keys_on_live(
    probes, api_client, sandbox_api_client, tenant
):
    live = api_client.get("/v1/_probe/items/x")
    sandbox = sandbox_api_client.get("/v1/_probe/items/x")

    assert live.json()["schema"] == tenant.schema_name
    assert sandbox.json()["schema"] == tenant.sandbox.schema_name
    assert live.wsgi_request.livemode is True and sandbox.wsgi_request.livemode is False
    assert sandbox.wsgi_request.api_key.mode == "test"


@pytest.mark.parametrize(
    ("scopes", "method", "status"),
    [
        (["all"], "get", 200),
        (["all"], "post", 201),
        (["challenges:read"], "get", 200),
        (["challenges:read"], "post", 403),
        (["challenges:write"], "get", 200),
        (["challenges:write"], "post", 201),
        (["applications:write"], "get", 403),
        (["applications:read"], "post", 403),
    ],
)
def test_scope_matrix(probes, api_client_factory, tenant, scopes, method, status):
    key = api_key_create(tenant=tenant, name="scoped", scopes=scopes).secret
    client = api_client_factory(key)

    response = getattr(client, method)(
        "/v1/_probe/items/a", {"title": "t", "amount": 1}, content_type="application/json"
    )

    assert response.status_code == status
    if status == 403:
        required = "challenges:read" if method == "get" else "challenges:write"
        body = problem(response, 403, "insufficient_scope")
        assert body["required_scope"] == required and required in body["detail"]


def test_me_needs_no_particular_scope(api_client_factory, tenant):
    key = api_key_create(tenant=tenant, name="narrow", scopes=["reviews:read"]).secret

    assert api_client_factory(key).get("/v1/me").status_code == 200


def test_keys_of_a_suspended_tenant_get_403_on_the_shared_api_host(
    api_client_factory, live_key, tenant
):
    tenant_suspend(tenant=tenant, reason="unpaid")

    response = api_client_factory(live_key, host=API_HOST).get("/v1/me")

    problem(response, 403, "tenant_suspended")


def test_expiring_key_works_until_its_expiry(api_client_factory, tenant):
    key = api_key_create(
        tenant=tenant, name="temp", expires_at=timezone.now() + timedelta(minutes=5)
    ).secret

    assert api_client_factory(key).get("/v1/me").status_code == 200
