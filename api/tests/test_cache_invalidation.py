"""Writes reach the gateway's warm caches at once in the process that made them (issue 9, item 5).

Every test first warms the host and key caches with a successful call (the autouse fixture that
empties them runs only before the test), then makes the change through its service and calls
again: the next call must already see the change, with no cache cleared by hand. The shared API
host is covered too, where only the key cache stands between a request and the tenant row.
"""

from datetime import timedelta

import pytest
from django.conf import settings

from apikeys.services import api_key_create, api_key_revoke, api_key_roll
from billing.models import Plan
from billing.services import plan_update, tenant_plan_change
from core.testing import host_of, problem
from tenants.services import tenant_reactivate, tenant_suspend

pytestmark = pytest.mark.django_db

API_HOST = f"api.{settings.BASE_DOMAIN}"
HOSTS = ["tenant", "api"]


def _client(api_client_factory, key, tenant, where):
    return api_client_factory(key, host=host_of(tenant) if where == "tenant" else API_HOST)


def _warm(client):
    for _ in range(2):
        response = client.get("/v1/me")
        assert response.status_code == 200, response.content
    return response


@pytest.mark.parametrize("where", HOSTS)
def test_a_suspension_refuses_the_next_call_of_a_warm_key(api_client_factory, tenant, where):
    # given
    issued = api_key_create(tenant=tenant, name="warm")
    client = _client(api_client_factory, issued.secret, tenant, where)
    _warm(client)

    # when
    tenant_suspend(tenant=tenant, reason="test")

    # then
    problem(client.get("/v1/me"), 403, "tenant_suspended")
    tenant_reactivate(tenant=tenant)
    assert client.get("/v1/me").status_code == 200


@pytest.mark.parametrize("where", HOSTS)
def test_a_plan_change_applies_to_the_next_call_of_a_warm_key(api_client_factory, tenant, where):
    # given
    issued = api_key_create(tenant=tenant, name="warm")
    client = _client(api_client_factory, issued.secret, tenant, where)
    assert _warm(client).json()["plan"]["code"] == "pro"

    # when
    tenant_plan_change(tenant=tenant, plan=Plan.objects.get(code="business"))

    # then
    response = client.get("/v1/me")
    assert response.json()["plan"]["code"] == "business"
    assert response["RateLimit-Policy"].startswith('"business"')


def test_a_plan_edit_applies_to_the_next_call_of_a_warm_key(api_client_factory, tenant):
    # given
    issued = api_key_create(tenant=tenant, name="warm")
    client = _client(api_client_factory, issued.secret, tenant, "api")
    _warm(client)

    # when
    plan_update(plan=Plan.objects.get(code="pro"), burst=77)

    # then
    assert client.get("/v1/me")["X-RateLimit-Limit"] == "77"


@pytest.mark.parametrize("where", HOSTS)
def test_a_revocation_refuses_the_next_call_of_a_warm_key(api_client_factory, tenant, where):
    # given
    issued = api_key_create(tenant=tenant, name="warm")
    client = _client(api_client_factory, issued.secret, tenant, where)
    _warm(client)

    # when
    api_key_revoke(api_key=issued.api_key)

    # then
    problem(client.get("/v1/me"), 401, "invalid_api_key")


@pytest.mark.parametrize("where", HOSTS)
def test_a_roll_without_grace_refuses_the_old_secret_next_call(api_client_factory, tenant, where):
    # given
    issued = api_key_create(tenant=tenant, name="warm")
    client = _client(api_client_factory, issued.secret, tenant, where)
    _warm(client)

    # when
    rolled = api_key_roll(api_key=issued.api_key, grace_period=timedelta(0))

    # then
    problem(client.get("/v1/me"), 401, "invalid_api_key")
    rolled_client = _client(api_client_factory, rolled.secret, tenant, where)
    assert rolled_client.get("/v1/me").status_code == 200


def test_a_plan_edited_in_the_admin_applies_to_the_next_call(api_client_factory, tenant):
    """The operator admin saves plans through ``plan_update``, so the caches follow."""
    from django.contrib import admin
    from django.test import RequestFactory

    # given
    issued = api_key_create(tenant=tenant, name="warm")
    client = _client(api_client_factory, issued.secret, tenant, "api")
    _warm(client)
    plan = Plan.objects.get(code="pro")
    plan.burst = 66
    request = RequestFactory().post("/admin/billing/plan/")

    # when
    admin.site._registry[Plan].save_model(request, plan, form=None, change=True)

    # then
    assert client.get("/v1/me")["X-RateLimit-Limit"] == "66"
