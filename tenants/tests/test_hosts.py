"""Host → tenant resolution over HTTP: tenants, the public host, unknown hosts, suspension."""

import pytest
from django.db import connection
from django.test import Client
from django_tenants.utils import tenant_context

from core.testing import problem
from marketplace.models import Challenge
from tenants.models import Domain
from tenants.services import tenant_reactivate, tenant_suspend

pytestmark = pytest.mark.django_db

# A page every tenant host serves without a login (the portal's other pages need one).
LOGIN = "/accounts/login/"


def test_two_tenants_data_never_mix_through_the_orm(tenant, other_tenant):
    # given
    with tenant_context(tenant):
        Challenge.objects.create(title="alpha only")
    with tenant_context(tenant.sandbox):
        Challenge.objects.create(title="alpha sandbox only")

    # then
    with tenant_context(other_tenant):
        assert not Challenge.objects.exists()
    with tenant_context(tenant):
        assert list(Challenge.objects.values_list("title", flat=True)) == ["alpha only"]
    with tenant_context(tenant.sandbox):
        assert list(Challenge.objects.values_list("title", flat=True)) == ["alpha sandbox only"]
    assert connection.schema_name == "public"


def test_two_tenants_data_never_mix_through_http(tenant, api_client, other_api_client):
    # given
    with tenant_context(tenant):
        Challenge.objects.bulk_create([Challenge(title="a"), Challenge(title="b")])
    with tenant_context(tenant.sandbox):
        Challenge.objects.create(title="sandbox")

    # when
    alpha = api_client.get("/v1/challenges")
    beta = other_api_client.get("/v1/challenges")

    # then
    assert alpha.status_code == 200 and beta.status_code == 200
    assert sorted(c["title"] for c in alpha.json()["data"]) == ["a", "b"]
    assert beta.json()["data"] == []
    # ...and a page on each host is served for that host's tenant
    assert Client(HTTP_HOST="alpha.localhost").get(LOGIN).wsgi_request.tenant == tenant
    assert Client(HTTP_HOST="beta.localhost").get(LOGIN).wsgi_request.tenant.slug == "beta"


def test_unknown_host_gets_a_problem_404_not_a_debug_page():
    response = Client(HTTP_HOST="nobody.localhost").get("/")

    body = problem(response, 404, "unknown_host")
    assert "nobody.localhost" in body["detail"]


@pytest.mark.parametrize("host", ["example.org", "", "a.b.localhost", "alpha.localhost.evil.test"])
def test_other_unknown_hosts_are_refused(host, tenant):
    response = Client(HTTP_HOST=host).get("/")

    problem(response, 404, "unknown_host")


def test_host_with_port_and_case_resolves(tenant):
    response = Client(HTTP_HOST="ALPHA.localhost:8000").get(LOGIN)

    assert response.status_code == 200
    assert response.wsgi_request.tenant == tenant


def test_custom_domain_resolves_to_its_tenant(tenant):
    Domain.objects.create(domain="dev.alpha-corp.test", tenant=tenant, is_primary=False)

    response = Client(HTTP_HOST="dev.alpha-corp.test").get(LOGIN)

    assert response.status_code == 200
    assert response.wsgi_request.tenant == tenant


def test_unknown_api_routes_answer_problems_not_html(tenant_client, api_client):
    # Without a key the gateway answers first; with one, the route is unknown.
    problem(tenant_client.get("/v1/nothing-here"), 401, "invalid_api_key")
    problem(api_client.get("/v1/nothing-here"), 404, "not_found")
    problem(api_client.post("/v1", content_type="application/json"), 404, "not_found")


def test_suspended_tenant_gets_403_everywhere_but_the_operator_admin(
    tenant, tenant_client, public_client
):
    # given
    tenant_suspend(tenant=tenant, reason="unpaid")

    # then: every path on the tenant's host is refused
    for path in ["/", LOGIN, "/v1/anything", "/docs/"]:
        problem(tenant_client.get(path), 403, "tenant_suspended")
    # ...but the operator admin on the public host still works
    assert public_client.get("/admin/login/").status_code == 200

    # when reactivated, the host serves again
    tenant_reactivate(tenant=tenant)
    assert tenant_client.get(LOGIN).status_code == 200


def test_every_response_carries_a_request_id(tenant_client, public_client):
    for response in [tenant_client.get("/"), public_client.get("/admin/login/")]:
        assert response["X-Request-Id"].startswith("req_")

    # a caller's own id is echoed beside ours, never adopted (core.middleware)
    echoed = tenant_client.get("/", HTTP_X_REQUEST_ID="lb-1234567890")
    assert echoed["X-Request-Id"].startswith("req_")
    assert echoed["X-Client-Request-Id"] == "lb-1234567890"
    replaced = tenant_client.get("/", HTTP_X_REQUEST_ID="<script>")
    assert replaced["X-Request-Id"].startswith("req_")


def test_a_warm_host_costs_no_sql_query(tenant_client, django_assert_num_queries):
    tenant_client.get("/v1/nothing-here")  # warms the host cache

    with django_assert_num_queries(0):
        tenant_client.get("/v1/nothing-here")
