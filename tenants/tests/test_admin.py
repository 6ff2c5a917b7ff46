"""The operator admin on the public host: tenants with domains/members, search, filters, actions."""

import pytest
from django.test import Client

from tenants.models import Tenant, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator():
    return User.objects.create_superuser("ops@openchance.test", "ops-password-123")


@pytest.fixture
def operator_client(operator):
    client = Client(HTTP_HOST="localhost")
    client.force_login(operator)
    return client


def test_tenant_list_shows_live_tenants_with_useful_columns(operator_client, tenant, other_tenant):
    response = operator_client.get("/admin/tenants/tenant/")

    assert response.status_code == 200
    listed = list(response.context["cl"].result_list)
    assert {t.slug for t in listed} >= {"alpha", "beta"}
    assert all(t.mode == "live" for t in listed)  # sandbox twins are not tenants of their own
    html = response.content.decode()
    for column in ["Slug", "Plan", "Status", "Domain", "Members"]:
        assert column in html
    assert "alpha.localhost" in html


def test_tenant_search_and_filters(operator_client, tenant, other_tenant):
    by_slug = operator_client.get("/admin/tenants/tenant/", {"q": "alph"})
    by_member = operator_client.get("/admin/tenants/tenant/", {"q": "owner@beta.test"})
    suspended = operator_client.get("/admin/tenants/tenant/", {"status__exact": "suspended"})

    assert [t.slug for t in by_slug.context["cl"].result_list] == ["alpha"]
    assert [t.slug for t in by_member.context["cl"].result_list] == ["beta"]
    assert list(suspended.context["cl"].result_list) == []


def test_tenant_page_has_domain_and_member_inlines(operator_client, tenant):
    response = operator_client.get(f"/admin/tenants/tenant/{tenant.pk}/change/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "alpha.localhost" in html
    assert "owner@alpha.test" in html


def test_suspend_and_reactivate_actions(operator_client, tenant, tenant_client):
    # when
    response = operator_client.post(
        "/admin/tenants/tenant/",
        {"action": "suspend", "_selected_action": [tenant.pk]},
        follow=True,
    )

    # then
    assert response.status_code == 200
    tenant.refresh_from_db()
    assert tenant.status == Tenant.Status.SUSPENDED
    assert tenant.suspended_reason == "Suspended by ops@openchance.test"
    assert tenant_client.get("/").status_code == 403

    operator_client.post(
        "/admin/tenants/tenant/", {"action": "reactivate", "_selected_action": [tenant.pk]}
    )
    tenant.refresh_from_db()
    assert tenant.status == Tenant.Status.ACTIVE
    assert tenant_client.get("/accounts/login/").status_code == 200


def test_user_and_membership_lists(operator_client, owner):
    users = operator_client.get("/admin/tenants/user/", {"q": "alpha.test"})
    memberships = operator_client.get("/admin/tenants/membership/", {"role__exact": "owner"})

    assert users.status_code == 200 and memberships.status_code == 200
    assert owner in list(users.context["cl"].result_list)
    assert all(m.role == "owner" for m in memberships.context["cl"].result_list)


@pytest.mark.parametrize("persona", ["owner", "member"])
def test_tenant_members_are_not_operators(persona, request):
    user = request.getfixturevalue(persona)
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)

    response = client.get("/admin/tenants/tenant/")

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_admin_is_not_served_on_tenant_hosts(tenant_client, operator):
    tenant_client.force_login(operator)

    assert tenant_client.get("/admin/").status_code == 404
