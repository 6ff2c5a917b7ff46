"""Every data page and action under the role matrix: owner, admin, developer, viewer, a member of
another tenant (404, learning nothing) and anonymous (the login page of the same host); a
refused POST changes nothing."""

import pytest
from django_tenants.utils import tenant_context

from apikeys.models import ApiKey, ApiKeyEvent
from apikeys.services import api_key_create
from portal.tests.pages.conftest import ROLES
from webhooks.models import WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.django_db

READ_PAGES = [
    "/",
    "/keys/",
    "/usage/",
    "/usage/export.csv",
    "/logs/",
    "/webhooks/",
]
WRITE_FORMS = ["/keys/new/", "/webhooks/new/"]


def _snapshot(tenant, sandbox):
    keys = sorted(
        ApiKey.objects.filter(tenant=tenant).values_list("pk", "revoked_at", "display_prefix")
    )
    events = ApiKeyEvent.objects.filter(tenant=tenant).count()
    schemas = []
    for schema_tenant in (tenant, sandbox):
        with tenant_context(schema_tenant):
            schemas.append(
                (
                    sorted(
                        WebhookEndpoint.objects.values_list(
                            "pk", "url", "secret", "is_enabled", "event_types"
                        )
                    ),
                    sorted(WebhookDelivery.objects.values_list("pk", "status", "next_attempt_at")),
                )
            )
    return keys, events, schemas


@pytest.mark.parametrize("path", READ_PAGES + WRITE_FORMS)
@pytest.mark.parametrize("role", ROLES)
def test_every_member_reads_every_page(portal_client, role, path):
    response = portal_client(role).get(path)

    assert response.status_code == 200


@pytest.mark.parametrize("path", READ_PAGES + WRITE_FORMS)
def test_anonymous_is_sent_to_the_login_page_of_the_same_host(portal_client, path):
    response = portal_client("anonymous").get(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("path", READ_PAGES + WRITE_FORMS)
def test_a_member_of_another_tenant_gets_the_not_found_page(portal_client, tenant, path):
    response = portal_client("outsider").get(path)

    assert response.status_code == 404
    body = response.content.decode()
    assert "Page not found" in body and tenant.name not in body


@pytest.fixture
def targets(tenant, sandbox, endpoint_in, owner):
    """A key (created by the owner) and a sandbox endpoint with a delivery, to act on."""
    from webhooks.services.fan_out import webhook_endpoint_test

    issued = api_key_create(tenant=tenant, name="target", mode="test", actor=owner)
    endpoint = endpoint_in(sandbox)
    with tenant_context(sandbox):
        delivery = webhook_endpoint_test(endpoint=endpoint)
    return {"key": issued.api_key.pk, "endpoint": endpoint.pk, "delivery": delivery.pk}


def _posts(targets):
    key, endpoint, delivery = targets["key"], targets["endpoint"], targets["delivery"]
    return [
        ("/keys/new/", {"name": "x", "mode": "test"}),
        (f"/keys/{key}/roll/", {"grace_hours": "1"}),
        (f"/keys/{key}/revoke/", {"confirm": "yes"}),
        ("/webhooks/new/", {"url": "https://example.com/hook", "event_types": ["*"]}),
        (f"/webhooks/{endpoint}/edit/", {"url": "https://example.com/x", "event_types": ["*"]}),
        (f"/webhooks/{endpoint}/toggle/", {"enabled": "0"}),
        (f"/webhooks/{endpoint}/delete/", {"confirm": "yes"}),
        (f"/webhooks/{endpoint}/secret/", {}),
        (f"/webhooks/{endpoint}/rotate/", {"confirm": "yes"}),
        (f"/webhooks/{endpoint}/test/", {}),
        (f"/webhooks/{endpoint}/recover/", {"since": "2026-01-01T00:00"}),
        (f"/webhooks/deliveries/{delivery}/retry/", {}),
    ]


@pytest.mark.parametrize("index", range(12))
def test_a_viewer_may_not_post_and_nothing_changes(portal_client, targets, tenant, sandbox, index):
    path, data = _posts(targets)[index]
    before = _snapshot(tenant, sandbox)

    response = portal_client("viewer").post(path, data)

    assert response.status_code == 403
    assert _snapshot(tenant, sandbox) == before


@pytest.mark.parametrize("index", range(12))
def test_a_member_of_another_tenant_may_not_post_and_nothing_changes(
    portal_client, targets, tenant, sandbox, index
):
    path, data = _posts(targets)[index]
    before = _snapshot(tenant, sandbox)

    response = portal_client("outsider").post(path, data)

    assert response.status_code == 404
    assert tenant.name not in response.content.decode()
    assert _snapshot(tenant, sandbox) == before


@pytest.mark.parametrize("index", range(12))
def test_anonymous_may_not_post_and_nothing_changes(portal_client, targets, tenant, sandbox, index):
    path, data = _posts(targets)[index]
    before = _snapshot(tenant, sandbox)

    response = portal_client("anonymous").post(path, data)

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert _snapshot(tenant, sandbox) == before


@pytest.mark.parametrize(
    "path",
    ["/webhooks/{endpoint}/toggle/", "/webhooks/{endpoint}/test/", "/webhooks/{endpoint}/recover/",
     "/webhooks/deliveries/{delivery}/retry/"],
)  # fmt: skip
def test_post_only_actions_answer_405_to_get(portal_client, targets, path):
    response = portal_client("owner").get(path.format(**targets))

    assert response.status_code == 405


@pytest.mark.parametrize(
    "path",
    ["/keys/key_NOPE/roll/", "/keys/key_NOPE/revoke/", "/keys/%00/roll/", "/keys/%E2%80%AE/revoke/",
     "/logs/req_nope/", "/logs/%00/", "/webhooks/we_NOPE/", "/webhooks/we_NOPE/edit/",
     "/webhooks/%E2%80%AE/secret/", "/webhooks/deliveries/wd_NOPE/", "/webhooks/wd_X/",
     "/webhooks/deliveries/we_X/"],
)  # fmt: skip
def test_unknown_or_malformed_ids_get_the_not_found_page(portal_client, path):
    response = portal_client("owner").get(path)

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_another_tenants_key_is_not_found_and_stays_untouched(portal_client, other_tenant):
    foreign = api_key_create(tenant=other_tenant, name="theirs", mode="test").api_key

    responses = [
        portal_client("owner").get(f"/keys/{foreign.pk}/roll/"),
        portal_client("owner").post(f"/keys/{foreign.pk}/revoke/", {"confirm": "yes"}),
        portal_client("owner").post(f"/keys/{foreign.pk}/roll/", {"grace_hours": "0"}),
    ]

    assert [r.status_code for r in responses] == [404, 404, 404]
    foreign.refresh_from_db()
    assert foreign.revoked_at is None and foreign.secrets.count() == 1
    assert not ApiKeyEvent.objects.filter(api_key=foreign).exclude(action="created").exists()
