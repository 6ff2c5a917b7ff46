"""The playground (/guide/playground/): Swagger UI pre-authorised with a short-lived sandbox key
of the member — issued on a POST, held in the session, reused while it works, replaced (and the
old one revoked) when it no longer does; read-only for viewers; nothing for anonymous visitors or
outsiders."""

import json
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from api.gateway import key_cache_clear
from apikeys.models import ApiKey, ApiKeyEvent
from core.testing import host_of
from portal.docs.playground import PLAYGROUND_KEY_LIFETIME, READ_ONLY_SCOPES, SESSION_KEY
from tenants.models import Membership

pytestmark = pytest.mark.django_db

URL = "/guide/playground/"


def _playground_keys(tenant):
    return list(ApiKey.objects.filter(tenant=tenant, name__startswith="Playground key"))


def _config(response) -> dict | None:
    match = re.search(
        r'<script id="playground-config" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    return json.loads(match.group(1)) if match else None


def _api(tenant, secret) -> Client:
    return Client(HTTP_HOST=host_of(tenant), HTTP_AUTHORIZATION=f"Bearer {secret}")


@pytest.mark.parametrize("role", ["owner", "admin", "developer", "viewer"])
def test_a_member_starts_the_playground_and_swagger_gets_a_sandbox_key(
    portal_client, tenant, persona, role
):
    client = portal_client(role)

    # given: no key yet — the page offers to issue one and issues none by itself
    before = client.get(URL)
    assert before.status_code == 200
    assert 'id="playground-start"' in before.content.decode()
    assert _config(before) is None and _playground_keys(tenant) == []

    # when
    started = client.post(URL)
    page = client.get(URL)

    # then: one test key of this member, expiring in a few hours, handed to Swagger UI
    assert started.status_code == 302 and started["Location"] == URL
    (api_key,) = _playground_keys(tenant)
    config = _config(page)
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    assert config["key"].startswith("oc_test_") and config["schemaUrl"] == "/v1/openapi.json"
    assert api_key.name == f"Playground key — {persona(role).email}"
    assert (api_key.mode, api_key.created_by) == ("test", persona(role))
    expected_expiry = timezone.now() + PLAYGROUND_KEY_LIFETIME
    assert abs(api_key.expires_at - expected_expiry) < timedelta(minutes=1)
    assert api_key.scopes == (READ_ONLY_SCOPES if role == "viewer" else ["all"])
    assert ApiKeyEvent.objects.filter(api_key=api_key, action="created").count() == 1
    content = page.content.decode()
    assert "swagger-ui-bundle.js" in content and "portal/docs/playground.js" in content
    assert "<script>" not in content  # the key travels as JSON data, never as inline code
    # the key works on the sandbox
    me = _api(tenant, config["key"]).get("/v1/me")
    assert me.status_code == 200, me.content
    assert me.json()["key"]["id"] == api_key.pk and me.json()["tenant"]["livemode"] is False


def test_the_key_is_reused_while_it_works(portal_client, tenant):
    client = portal_client("developer")
    client.post(URL)
    first = _config(client.get(URL))["key"]

    client.post(URL)
    again = _config(client.get(URL))["key"]

    assert again == first and len(_playground_keys(tenant)) == 1


def test_logging_out_revokes_the_playground_key(portal_client, tenant):
    # given: a member's playground key, working
    client = portal_client("developer")
    client.post(URL)
    secret = _config(client.get(URL))["key"]
    assert _api(tenant, secret).get("/v1/me").status_code == 200

    # when
    logged_out = client.post("/accounts/logout/")

    # then: the key is revoked (an event by the member) and refused at once
    assert logged_out.status_code == 302
    (api_key,) = _playground_keys(tenant)
    assert api_key.revoked_at is not None
    assert ApiKeyEvent.objects.filter(api_key=api_key, action="revoked").count() == 1
    assert _api(tenant, secret).get("/v1/me").status_code == 401


def test_logging_out_revokes_no_other_key(portal_client, tenant, persona):
    # given: the session names a key that is not this member's playground key
    from apikeys.services import api_key_create

    client = portal_client("developer")
    other = api_key_create(tenant=tenant, name="CI", mode="test", actor=persona("owner"))
    session = client.session
    session[SESSION_KEY] = {"key_id": other.api_key.pk, "secret": other.secret}
    session.save()

    # when
    client.post("/accounts/logout/")

    # then
    other.api_key.refresh_from_db()
    assert other.api_key.revoked_at is None


def test_a_viewers_key_reads_but_cannot_write(portal_client, tenant):
    from django_tenants.utils import tenant_context

    from marketplace.models import Challenge

    client = portal_client("viewer")
    client.post(URL)
    api = _api(tenant, _config(client.get(URL))["key"])
    with tenant_context(tenant.sandbox):
        before = Challenge.objects.count()

    listed = api.get("/v1/challenges")
    refused = api.post(
        "/v1/challenges", {"title": "From a viewer"}, content_type="application/json"
    )

    assert listed.status_code == 200
    assert refused.status_code == 403 and refused.json()["code"] == "insufficient_scope"
    with tenant_context(tenant.sandbox):
        assert Challenge.objects.count() == before


def test_an_expired_key_stops_working_and_a_new_one_replaces_it(portal_client, tenant):
    client = portal_client("developer")
    client.post(URL)
    old_secret = _config(client.get(URL))["key"]
    (old,) = _playground_keys(tenant)

    # when: its lifetime is over
    ApiKey.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    key_cache_clear()

    # then: the API refuses it, the page no longer offers it, and a new key replaces it
    assert _api(tenant, old_secret).get("/v1/me").status_code == 401
    assert _config(client.get(URL)) is None
    client.post(URL)
    new_secret = _config(client.get(URL))["key"]
    assert new_secret != old_secret
    assert _api(tenant, new_secret).get("/v1/me").status_code == 200
    assert len(_playground_keys(tenant)) == 2


def test_a_key_about_to_expire_is_replaced_and_revoked(portal_client, tenant):
    client = portal_client("admin")
    client.post(URL)
    (old,) = _playground_keys(tenant)
    ApiKey.objects.filter(pk=old.pk).update(expires_at=timezone.now() + timedelta(minutes=10))

    client.post(URL)

    old.refresh_from_db()
    assert old.revoked_at is not None
    assert len([key for key in _playground_keys(tenant) if key.revoked_at is None]) == 1


def test_a_member_demoted_to_viewer_gets_a_read_only_key(portal_client, tenant, persona):
    client = portal_client("developer")
    client.post(URL)
    (full,) = _playground_keys(tenant)
    Membership.objects.filter(user=persona("developer"), tenant=tenant).update(role="viewer")

    page = client.get(URL)
    client.post(URL)

    full.refresh_from_db()
    assert _config(page) is None  # the full-access key is no longer handed out
    assert full.revoked_at is not None
    (current,) = [key for key in _playground_keys(tenant) if key.revoked_at is None]
    assert current.scopes == READ_ONLY_SCOPES


def test_a_key_revoked_on_the_keys_page_is_not_handed_out(portal_client, tenant):
    from apikeys.services import api_key_revoke

    client = portal_client("owner")
    client.post(URL)
    (api_key,) = _playground_keys(tenant)
    api_key_revoke(api_key=api_key)

    assert _config(client.get(URL)) is None


def test_a_forged_session_entry_is_ignored(portal_client, tenant, other_tenant):
    from apikeys.services import api_key_create

    client = portal_client("developer")
    foreign = api_key_create(tenant=other_tenant, name="beta's", mode="test")
    session = client.session
    session[SESSION_KEY] = {"key_id": foreign.api_key.pk, "secret": foreign.secret}
    session.save()

    page = client.get(URL)

    assert page.status_code == 200 and _config(page) is None
    assert foreign.secret not in page.content.decode()


def test_anonymous_visitors_go_to_the_login_page_and_get_no_key(portal_client, tenant):
    client = portal_client("anonymous")

    got, posted = client.get(URL), client.post(URL)

    assert got.status_code == 302 and "/accounts/login/" in got["Location"]
    assert posted.status_code in (302, 403)
    assert _playground_keys(tenant) == []


def test_an_outsider_gets_404_and_no_key(portal_client, tenant, other_tenant):
    client = portal_client("outsider")

    got, posted = client.get(URL), client.post(URL)

    assert got.status_code == 404 and posted.status_code == 404
    assert _playground_keys(tenant) == [] and _playground_keys(other_tenant) == []


def test_the_post_needs_the_csrf_token(tenant, persona):
    client = Client(HTTP_HOST=host_of(tenant), enforce_csrf_checks=True)
    client.force_login(persona("developer"))

    response = client.post(URL)

    assert response.status_code == 403 and _playground_keys(tenant) == []
