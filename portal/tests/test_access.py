"""PortalView's access rules (portal/access.py) through the full middleware stack: anonymous →
the same host's login page, a member of another tenant → the 404 page, roles per method."""

import pytest
from django.test import Client

from core.testing import host_of
from tenants.models import Membership, User

pytestmark = pytest.mark.django_db


def _client_for(user, tenant) -> Client:
    client = Client(HTTP_HOST=host_of(tenant))
    client.force_login(user)
    return client


def test_anonymous_is_sent_to_the_login_page_of_the_same_host(tenant_client):
    response = tenant_client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"


def test_a_member_sees_the_portal(owner, tenant):
    response = _client_for(owner, tenant).get("/")

    assert response.status_code == 200
    assert response.context["organisation"] == tenant
    assert response.context["mode"] == "test"
    assert tenant.name in response.content.decode()


def test_a_member_of_another_tenant_gets_the_not_found_page(outsider, tenant):
    response = _client_for(outsider, tenant).get("/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert tenant.name not in response.content.decode()


def test_the_mode_switch_is_post_only_and_per_session(owner, tenant):
    client = _client_for(owner, tenant)

    assert client.get("/mode/").status_code == 405
    response = client.post("/mode/", {"mode": "live", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").context["mode"] == "live"
    assert _client_for(owner, tenant).get("/").context["mode"] == "test"


def test_the_mode_switch_never_redirects_off_the_host(owner, tenant):
    response = _client_for(owner, tenant).post(
        "/mode/", {"mode": "test", "next": "https://evil.example/"}
    )

    assert response["Location"] == "/"


def test_pages_carry_a_csp_without_inline_scripts(owner, tenant):
    response = _client_for(owner, tenant).get("/")

    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert "<script>" not in response.content.decode()


def test_a_viewer_may_read(tenant):
    viewer = User.objects.create_user(email="viewer@alpha.test")
    Membership.objects.create(user=viewer, tenant=tenant, role=Membership.Role.VIEWER)

    assert _client_for(viewer, tenant).get("/").status_code == 200


@pytest.mark.parametrize("role", ["owner", "admin", "developer", "viewer"])
def test_every_role_may_switch_modes(tenant, role):
    user = User.objects.create_user(email=f"{role}-switch@alpha.test")
    Membership.objects.create(user=user, tenant=tenant, role=role)
    client = _client_for(user, tenant)

    client.post("/mode/", {"mode": "live"})

    assert client.session["portal_mode"] == "live"


def test_an_outsider_or_anonymous_cannot_switch_modes(tenant, outsider, tenant_client):
    outsider_client = _client_for(outsider, tenant)

    refused = outsider_client.post("/mode/", {"mode": "live"})
    anonymous = tenant_client.post("/mode/", {"mode": "live"})

    assert refused.status_code == 404 and "portal_mode" not in outsider_client.session
    assert anonymous.status_code == 302 and "portal_mode" not in tenant_client.session


def test_a_post_without_csrf_token_is_refused(tenant, owner):
    client = Client(HTTP_HOST=host_of(tenant), enforce_csrf_checks=True)
    client.force_login(owner)

    response = client.post("/mode/", {"mode": "live"})

    assert response.status_code == 403 and "portal_mode" not in client.session


def test_an_unknown_mode_changes_nothing(tenant, owner):
    client = _client_for(owner, tenant)

    client.post("/mode/", {"mode": "production"})

    assert client.get("/mode/").status_code == 405
    assert "portal_mode" not in client.session
