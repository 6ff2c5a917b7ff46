"""Webhook pages: endpoints (create, edit, disable/enable, delete behind a confirm step), the
secret (revealed to writers by POST only, audited) and its rotation, a test ping, deliveries and
attempts with the receiver's response (a real HTTP receiver), retry, recover since, health; each
mode sees its own schema's endpoints only."""

import logging
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from webhooks.models import WebhookDelivery, WebhookEndpoint
from webhooks.services.attempts import webhook_delivery_attempt
from webhooks.services.fan_out import webhook_endpoint_test
from webhooks.testing import Reply

pytestmark = pytest.mark.django_db


def _endpoints(schema_tenant):
    with tenant_context(schema_tenant):
        return list(WebhookEndpoint.objects.values_list("pk", "url", "event_types", "is_enabled"))


@pytest.mark.parametrize("role", ["owner", "admin", "developer"])
def test_a_writer_adds_an_endpoint_in_the_mode_shown(
    portal_client, allow_sink, sandbox, tenant, role
):
    # when
    response = portal_client(role).post(
        "/webhooks/new/",
        {
            "url": allow_sink.url("/in"),
            "description": "orders",
            "event_types": ["challenge.*", "review.created"],
            "other_event_types": "application.status_changed, billing.invoice.*",
        },
    )

    # then
    ((endpoint_id, url, events, enabled),) = _endpoints(sandbox)
    assert response.status_code == 302 and response["Location"] == f"/webhooks/{endpoint_id}/"
    assert url == allow_sink.url("/in") and enabled
    assert events == sorted(
        ["challenge.*", "review.created", "application.status_changed", "billing.invoice.*"]
    )
    assert _endpoints(tenant) == []


@pytest.mark.parametrize(
    "data, field",
    [
        ({"url": "ftp://example.com/x", "event_types": ["*"]}, "url"),
        ({"url": "not a url", "event_types": ["*"]}, "url"),
        ({"url": "http://10.0.0.8/hook", "event_types": ["*"]}, "url"),
        ({"url": "http://user:pw@example.com/hook", "event_types": ["*"]}, "url"),
        ({"url": "https://example.com/hook"}, "event_types"),
        ({"url": "https://example.com/hook", "event_types": ["nope.*"]}, "event_types"),
        (
            {"url": "https://example.com/hook", "other_event_types": "*.created"},
            "other_event_types",
        ),
        ({"url": "https://example.com/hook", "other_event_types": "a..b"}, "other_event_types"),
    ],
)
def test_bad_input_is_a_form_error_and_adds_nothing(portal_client, sandbox, data, field):
    response = portal_client("owner").post("/webhooks/new/", data)

    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert _endpoints(sandbox) == []


def test_edit_changes_url_and_events_and_bad_edits_change_nothing(
    portal_client, endpoint_in, sandbox, allow_sink
):
    endpoint = endpoint_in(sandbox)
    client = portal_client("developer")
    form = client.get(f"/webhooks/{endpoint.pk}/edit/")
    assert form.context["form"].initial["event_types"] == ["*"]

    bad = client.post(
        f"/webhooks/{endpoint.pk}/edit/", {"url": "http://127.0.0.2/x", "event_types": ["*"]}
    )
    assert bad.status_code == 400 and _endpoints(sandbox)[0][1] == endpoint.url

    good = client.post(
        f"/webhooks/{endpoint.pk}/edit/",
        {"url": allow_sink.url("/v2"), "other_event_types": "message.created"},
    )
    assert good.status_code == 302
    assert _endpoints(sandbox) == [(endpoint.pk, allow_sink.url("/v2"), ["message.created"], True)]


def test_disable_and_enable(portal_client, endpoint_in, sandbox):
    endpoint = endpoint_in(sandbox)
    client = portal_client("admin")

    client.post(f"/webhooks/{endpoint.pk}/toggle/", {"enabled": "0"})
    disabled = _endpoints(sandbox)[0][3]
    client.post(f"/webhooks/{endpoint.pk}/toggle/", {"enabled": "maybe"})
    still = _endpoints(sandbox)[0][3]
    client.post(f"/webhooks/{endpoint.pk}/toggle/", {"enabled": "1"})

    assert (disabled, still, _endpoints(sandbox)[0][3]) == (False, False, True)
    page = client.get(f"/webhooks/{endpoint.pk}/")
    assert page.context["health"] == "healthy"


def test_delete_asks_first(portal_client, endpoint_in, sandbox, caplog):
    endpoint = endpoint_in(sandbox)
    client = portal_client("owner")

    confirm = client.get(f"/webhooks/{endpoint.pk}/delete/")
    unconfirmed = client.post(f"/webhooks/{endpoint.pk}/delete/", {})
    assert confirm.status_code == 200 and unconfirmed.status_code == 400
    assert len(_endpoints(sandbox)) == 1

    with caplog.at_level(logging.INFO, logger="portal.audit"):
        done = client.post(f"/webhooks/{endpoint.pk}/delete/", {"confirm": "yes"})

    assert done.status_code == 302 and done["Location"] == "/webhooks/"
    assert _endpoints(sandbox) == []
    (record,) = [r for r in caplog.records if r.name == "portal.audit"]
    assert record.audit["action"] == "webhook_endpoint.deleted"
    assert record.audit["target"] == endpoint.pk and record.audit["actor"] == "owner@alpha.test"


def test_the_secret_is_revealed_only_by_a_writers_post_and_audited(
    portal_client, endpoint_in, sandbox, caplog
):
    endpoint = endpoint_in(sandbox)

    with caplog.at_level(logging.INFO, logger="portal.audit"):
        looked = portal_client("developer").get(f"/webhooks/{endpoint.pk}/secret/")
        viewer = portal_client("viewer").get(f"/webhooks/{endpoint.pk}/secret/")
        refused = portal_client("viewer").post(f"/webhooks/{endpoint.pk}/secret/")
        assert not [r for r in caplog.records if r.name == "portal.audit"]
        revealed = portal_client("developer").post(f"/webhooks/{endpoint.pk}/secret/")

    assert (
        endpoint.secret not in looked.content.decode()
        and "Reveal secret" in looked.content.decode()
    )
    assert endpoint.secret not in viewer.content.decode()
    assert "Only owners, admins and developers" in viewer.content.decode()
    assert refused.status_code == 403 and endpoint.secret not in refused.content.decode()
    assert revealed.status_code == 200 and revealed["Cache-Control"] == "no-store"
    assert endpoint.secret in revealed.content.decode()
    (record,) = [r for r in caplog.records if r.name == "portal.audit"]
    assert record.audit["action"] == "webhook_endpoint.secret_revealed"
    assert (record.audit["role"], record.audit["mode"]) == ("developer", "test")


def test_rotate_asks_first_and_shows_the_new_secret(portal_client, endpoint_in, sandbox):
    endpoint = endpoint_in(sandbox)
    client = portal_client("owner")
    assert endpoint.secret not in client.get(f"/webhooks/{endpoint.pk}/rotate/").content.decode()

    response = client.post(f"/webhooks/{endpoint.pk}/rotate/", {"confirm": "yes"})

    with tenant_context(sandbox):
        rotated = WebhookEndpoint.objects.get(pk=endpoint.pk)
    assert rotated.secret != endpoint.secret and rotated.previous_secret == endpoint.secret
    assert rotated.secret in response.content.decode()
    assert endpoint.secret not in response.content.decode()


def test_a_test_event_reaches_the_receiver_and_its_attempt_is_shown(
    portal_client, endpoint_in, sandbox, allow_sink
):
    # given
    endpoint = endpoint_in(sandbox)
    allow_sink.script(Reply(status=200, body=b"pong from the receiver"))
    client = portal_client("developer")

    # when
    sent = client.post(f"/webhooks/{endpoint.pk}/test/")
    with tenant_context(sandbox):
        (delivery,) = WebhookDelivery.objects.all()
        webhook_delivery_attempt(delivery_id=delivery.pk)  # what the worker does on commit
    page = client.get(sent["Location"])

    # then
    assert sent.status_code == 302 and sent["Location"] == f"/webhooks/deliveries/{delivery.pk}/"
    (received,) = allow_sink.requests
    assert received.headers["webhook-id"] == delivery.event_id
    assert page.status_code == 200
    assert page.context["delivery"].status == "succeeded"
    assert "pong from the receiver" in page.content.decode()
    assert "ping" in page.content.decode()
    assert f"&quot;id&quot;: &quot;{delivery.event_id}&quot;" in page.content.decode()


def test_a_disabled_endpoint_sends_no_test_event(portal_client, endpoint_in, sandbox):
    endpoint = endpoint_in(sandbox, is_enabled=False)

    response = portal_client("owner").post(f"/webhooks/{endpoint.pk}/test/", follow=True)

    assert "enable it first" in response.content.decode()
    with tenant_context(sandbox):
        assert not WebhookDelivery.objects.exists()


def test_retry_and_recover_resend_failed_deliveries(
    portal_client, endpoint_in, sandbox, allow_sink
):
    # given: a delivery that failed (the receiver answered 500)
    endpoint = endpoint_in(sandbox)
    allow_sink.script(Reply(status=500, body=b"boom"))
    with tenant_context(sandbox):
        delivery = webhook_endpoint_test(endpoint=endpoint)
        webhook_delivery_attempt(delivery_id=delivery.pk)
        delivery.refresh_from_db()
    assert delivery.status == "failed"
    client = portal_client("developer")
    detail = client.get(f"/webhooks/deliveries/{delivery.pk}/")
    assert "boom" in detail.content.decode() and "500" in detail.content.decode()

    # when
    retried = client.post(f"/webhooks/deliveries/{delivery.pk}/retry/")
    with tenant_context(sandbox):
        WebhookDelivery.objects.filter(pk=delivery.pk).update(status="exhausted")
    bad = client.post(f"/webhooks/{endpoint.pk}/recover/", {"since": "later"}, follow=True)
    with tenant_context(sandbox):
        unchanged = WebhookDelivery.objects.get(pk=delivery.pk).status
    since = (timezone.now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    recovered = client.post(f"/webhooks/{endpoint.pk}/recover/", {"since": since}, follow=True)

    # then
    assert retried.status_code == 302
    assert unchanged == "exhausted" and "Enter a valid date/time" in bad.content.decode()
    assert "1 delivery re-sent" in recovered.content.decode()
    with tenant_context(sandbox):
        assert WebhookDelivery.objects.get(pk=delivery.pk).status == "pending"


def test_the_list_shows_health_and_counts_in_fixed_queries(
    portal_client, endpoint_in, sandbox, queries_of
):
    first = endpoint_in(sandbox)
    with tenant_context(sandbox):
        webhook_endpoint_test(endpoint=first)
        WebhookEndpoint.objects.filter(pk=first.pk).update(failing_since=timezone.now())
    client = portal_client("viewer")
    client.get("/webhooks/")
    _, one = queries_of(lambda: client.get("/webhooks/"))
    for _ in range(9):
        endpoint_in(sandbox)
    response, ten = queries_of(lambda: client.get("/webhooks/"))

    rows = {row["endpoint"].pk: row for row in response.context["rows"]}
    assert len(rows) == 10
    assert rows[first.pk]["health"] == "failing"
    assert rows[first.pk]["endpoint"].delivery_stats["pending"] == 1
    assert len(ten) == len(one) <= 8


def test_deliveries_come_in_pages_of_50(portal_client, endpoint_in, sandbox):
    from events.models import Event

    endpoint = endpoint_in(sandbox)
    with tenant_context(sandbox):
        for n in range(60):
            event = Event.objects.create(type="challenge.created", data={"n": n}, livemode=False)
            WebhookDelivery.objects.create(endpoint=endpoint, event=event)
    client = portal_client("viewer")

    first = client.get(f"/webhooks/{endpoint.pk}/")
    second = client.get(f"/webhooks/{endpoint.pk}/", {"page": "2"})
    silly = client.get(f"/webhooks/{endpoint.pk}/", {"page": "-3", "status": "nope"})

    assert len(first.context["deliveries"]) == 50 and first.context["has_next"]
    assert len(second.context["deliveries"]) == 10 and not second.context["has_next"]
    ids = {d.pk for d in first.context["deliveries"]} | {d.pk for d in second.context["deliveries"]}
    assert len(ids) == 60
    assert silly.status_code == 200 and silly.context["page"] == 1 and silly.context["status"] == ""


def test_each_mode_sees_its_own_endpoints(portal_client, endpoint_in, sandbox, tenant):
    live = endpoint_in(tenant)
    test = endpoint_in(sandbox)

    live_client = portal_client("owner", mode="live")
    sandbox_client = portal_client("owner")

    assert [r["endpoint"].pk for r in live_client.get("/webhooks/").context["rows"]] == [live.pk]
    assert [r["endpoint"].pk for r in sandbox_client.get("/webhooks/").context["rows"]] == [test.pk]
    assert live_client.get(f"/webhooks/{test.pk}/").status_code == 404
    assert (
        sandbox_client.post(f"/webhooks/{live.pk}/delete/", {"confirm": "yes"}).status_code == 404
    )
    assert len(_endpoints(tenant)) == 1
