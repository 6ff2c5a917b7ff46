"""/v1 webhook endpoints, deliveries and attempts through the full stack (gateway included)."""

import json
import re
from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context
from standardwebhooks import Webhook

from api.v1.tests.support import problem
from events.models import Event
from webhooks.models import WebhookDelivery, WebhookEndpoint
from webhooks.services.attempts import webhook_delivery_attempt
from webhooks.services.fan_out import webhook_event_fan_out
from webhooks.testing import Reply

Status = WebhookDelivery.Status


def _create(api, url, **fields):
    response = api.post("/v1/webhook_endpoints", {"url": url, "events": ["*"], **fields})
    assert response.status_code == 201, response.content
    return response.json()


def _deliver_event(tenant, endpoint_id, event_type="challenge.created"):
    """An outbox event fanned out and attempted once (as the worker would)."""
    with tenant_context(tenant):
        event = Event.objects.create(type=event_type, data={"id": "chl_x"}, livemode=True)
        webhook_event_fan_out(event_id=event.id)
        delivery = WebhookDelivery.objects.get(event=event, endpoint_id=endpoint_id)
        webhook_delivery_attempt(delivery_id=delivery.id)
        delivery.refresh_from_db()
        return event, delivery


def test_endpoint_crud(api, allow_sink):
    # given
    created = _create(
        api, allow_sink.url(), description="orders", events=["challenge.created", "review.created"]
    )
    path = f"/v1/webhook_endpoints/{created['id']}"
    # when
    listed = api.get("/v1/webhook_endpoints").json()
    fetched = api.get(path).json()
    patched = api.patch(path, {"events": ["*"], "description": "all"}).json()
    deleted = api.delete(path)
    # then
    assert created["id"].startswith("we_") and created["secret"].startswith("whsec_")
    assert created["events"] == ["challenge.created", "review.created"]
    assert created["livemode"] is True and created["enabled"] is True
    assert created["health"]["status"] == "healthy"
    assert [e["id"] for e in listed["data"]] == [created["id"]] and listed["has_more"] is False
    assert "secret" not in fetched and fetched["url"] == allow_sink.url()
    assert patched["events"] == ["*"] and patched["description"] == "all"
    assert deleted.json() == {"id": created["id"], "object": "webhook_endpoint", "deleted": True}
    problem(api.get(path), 404, "not_found")


def test_create_is_idempotent(api, allow_sink, tenant):
    # given
    body = {"url": allow_sink.url(), "events": ["*"]}
    # when
    first = api.post("/v1/webhook_endpoints", body, **{"Idempotency-Key": "we-1"})
    again = api.post("/v1/webhook_endpoints", body, **{"Idempotency-Key": "we-1"})
    # then
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    with tenant_context(tenant):
        assert WebhookEndpoint.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"url": "http://127.0.0.1:9/hook", "events": ["*"]}, "invalid_webhook_url"),
        ({"url": "http://169.254.169.254/latest", "events": ["*"]}, "invalid_webhook_url"),
        ({"url": "https://example.com/hook", "events": []}, None),
        ({"events": ["*"]}, None),
    ],
)
def test_create_refuses_bad_input_and_creates_nothing(api, tenant, body, code):
    response = api.post("/v1/webhook_endpoints", body)
    assert response.status_code in (400, 422)
    if code:
        assert problem(response, 422, code)["field"] == "url"
    with tenant_context(tenant):
        assert not WebhookEndpoint.objects.exists()


def test_secret_on_request_and_rotation(api, allow_sink, tenant):
    # given
    created = _create(api, allow_sink.url())
    path = f"/v1/webhook_endpoints/{created['id']}"
    # when
    revealed = api.get(f"{path}/secret").json()
    rotated = api.post(f"{path}/rotate_secret").json()
    _, delivery = _deliver_event(tenant, created["id"])
    # then
    assert (
        revealed["secret"] == created["secret"] and revealed["previous_secret_expires_at"] is None
    )
    assert rotated["secret"] != created["secret"]
    expires_at = datetime.fromisoformat(rotated["previous_secret_expires_at"])
    expires_in = (expires_at - timezone.now()).total_seconds()
    assert 24 * 3600 - 60 < expires_in <= 24 * 3600
    (received,) = allow_sink.requests
    for secret in (created["secret"], rotated["secret"]):
        Webhook(secret).verify(received.body, received.headers)
    assert api.get(f"{path}/secret").json()["secret"] == rotated["secret"]


def test_ping_goes_to_that_endpoint_only(api, allow_sink, tenant):
    # given
    target = _create(api, allow_sink.url("/target"))
    _create(api, allow_sink.url("/bystander"))
    # when
    response = api.post(f"/v1/webhook_endpoints/{target['id']}/test")
    # then
    assert response.status_code == 202
    delivery = response.json()
    assert (delivery["endpoint"], delivery["event_type"], delivery["status"]) == (
        target["id"],
        "ping",
        "pending",
    )
    with tenant_context(tenant):
        assert WebhookDelivery.objects.count() == 1
        webhook_delivery_attempt(delivery_id=delivery["id"])
    (received,) = allow_sink.requests
    assert received.path == "/target"
    payload = Webhook(target["secret"]).verify(received.body, received.headers)
    assert payload["type"] == "ping" and payload["data"]["object"]["id"] == target["id"]


def test_deliveries_and_attempts_per_endpoint_and_per_event(api, allow_sink, tenant):
    # given: one event failed then succeeded on retry, another succeeded at once
    endpoint = _create(api, allow_sink.url())
    allow_sink.script(Reply(status=500, body=b"down"))
    failing_event, failing = _deliver_event(tenant, endpoint["id"])
    with tenant_context(tenant):
        webhook_delivery_attempt(delivery_id=failing.id, now=failing.next_attempt_at)
    ok_event, _ = _deliver_event(tenant, endpoint["id"], "review.created")
    # when
    per_endpoint = api.get(f"/v1/webhook_endpoints/{endpoint['id']}/deliveries").json()
    per_event = api.get("/v1/webhook_deliveries", event=failing_event.id).json()
    attempts = api.get(f"/v1/webhook_deliveries/{failing.id}/attempts").json()
    endpoint_attempts = api.get(
        f"/v1/webhook_endpoints/{endpoint['id']}/attempts", event=ok_event.id
    ).json()
    by_status = api.get("/v1/webhook_deliveries", status="failed,exhausted").json()
    detail = api.get(f"/v1/webhook_deliveries/{failing.id}").json()
    # then
    assert [d["event"] for d in per_endpoint["data"]] == [ok_event.id, failing_event.id]
    assert [d["id"] for d in per_event["data"]] == [failing.id]
    assert detail["status"] == "succeeded" and detail["attempts"] == 2
    assert detail["event_type"] == "challenge.created"
    assert [(a["number"], a["status_code"], a["succeeded"]) for a in attempts["data"]] == [
        (2, 200, True),
        (1, 500, False),
    ]
    assert attempts["data"][1]["response_body"] == "down"
    assert attempts["data"][1]["error"] == "HTTP 500"
    assert attempts["data"][0]["latency_ms"] >= 0 and attempts["data"][0]["attempted_at"]
    assert [a["event"] for a in endpoint_attempts["data"]] == [ok_event.id]
    assert by_status["data"] == []


def test_delivery_list_costs_a_fixed_number_of_queries(
    api, allow_sink, tenant, django_assert_max_num_queries
):
    # given
    endpoint = _create(api, allow_sink.url())
    for _ in range(5):
        _deliver_event(tenant, endpoint["id"])
    api.get("/v1/webhook_deliveries")  # warm the key cache
    # when / then
    with django_assert_max_num_queries(4):
        listed = api.get("/v1/webhook_deliveries", limit=5)
    assert len(listed.json()["data"]) == 5
    with django_assert_max_num_queries(4):
        api.get("/v1/webhook_attempts", limit=5)


def test_retry_one_delivery(api, allow_sink, tenant):
    # given: an exhausted delivery
    endpoint = _create(api, allow_sink.url())
    allow_sink.script(Reply(status=500))
    _, delivery = _deliver_event(tenant, endpoint["id"])
    with tenant_context(tenant):
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=Status.EXHAUSTED, next_attempt_at=None
        )
    # when
    response = api.post(f"/v1/webhook_deliveries/{delivery.id}/retry")
    # then
    assert response.status_code == 202 and response.json()["status"] == "pending"
    with tenant_context(tenant):
        attempt = webhook_delivery_attempt(delivery_id=delivery.id)
    assert attempt.is_success and attempt.number == 2
    first, second = allow_sink.requests
    assert first.headers["webhook-id"] == second.headers["webhook-id"]


def test_recover_every_failed_delivery_since_a_time(api, allow_sink, tenant):
    # given: one failure before `since`, two after (one exhausted), one success after
    endpoint = _create(api, allow_sink.url())
    allow_sink.script(*[Reply(status=500)] * 3)
    _, old = _deliver_event(tenant, endpoint["id"])
    since = timezone.now()
    _, failed = _deliver_event(tenant, endpoint["id"])
    _, exhausted = _deliver_event(tenant, endpoint["id"])
    _, succeeded = _deliver_event(tenant, endpoint["id"])
    with tenant_context(tenant):
        WebhookDelivery.objects.filter(pk=exhausted.pk).update(
            status=Status.EXHAUSTED, next_attempt_at=None
        )
        WebhookDelivery.objects.filter(pk=old.pk).update(created_at=since - timedelta(hours=1))
    # when
    response = api.post(
        f"/v1/webhook_endpoints/{endpoint['id']}/recover", {"since": since.isoformat()}
    )
    # then
    assert response.status_code == 202 and response.json()["deliveries"] == 2
    with tenant_context(tenant):
        statuses = dict(WebhookDelivery.objects.values_list("id", "status"))
    assert statuses == {
        old.id: "failed",
        failed.id: "pending",
        exhausted.id: "pending",
        succeeded.id: "succeeded",
    }


def test_disabled_endpoints_refuse_retry_test_and_recover_until_enabled(api, allow_sink, tenant):
    # given
    endpoint = _create(api, allow_sink.url())
    allow_sink.script(Reply(status=410))
    _, delivery = _deliver_event(tenant, endpoint["id"])
    path = f"/v1/webhook_endpoints/{endpoint['id']}"
    fetched = api.get(path).json()
    # when
    refused = [
        api.post(f"/v1/webhook_deliveries/{delivery.id}/retry"),
        api.post(f"{path}/test"),
        api.post(f"{path}/recover", {"since": "2020-01-01T00:00:00Z"}),
    ]
    enabled = api.patch(path, {"enabled": True}).json()
    recovered = api.post(f"{path}/recover", {"since": "2020-01-01T00:00:00Z"}).json()
    # then
    assert fetched["enabled"] is False and fetched["health"]["status"] == "disabled"
    assert "410" in fetched["disabled_reason"]
    for response in refused:
        problem(response, 409, "endpoint_disabled")
    assert enabled["enabled"] is True and enabled["health"]["status"] == "healthy"
    assert recovered["deliveries"] == 1


def test_sandbox_and_live_endpoints_are_apart(api, sandbox_api, allow_sink, tenant, sandbox):
    # given
    live = _create(api, allow_sink.url("/live"))
    test = _create(sandbox_api, allow_sink.url("/test"))
    # when / then
    assert test["livemode"] is False and live["livemode"] is True
    assert [e["id"] for e in sandbox_api.get("/v1/webhook_endpoints").json()["data"]] == [
        test["id"]
    ]
    problem(sandbox_api.get(f"/v1/webhook_endpoints/{live['id']}"), 404)
    problem(api.get(f"/v1/webhook_endpoints/{test['id']}"), 404)
    with tenant_context(sandbox):
        assert list(WebhookEndpoint.objects.values_list("id", flat=True)) == [test["id"]]


ID_ROUTES = [
    ("get", "/v1/webhook_endpoints/{endpoint}", None),
    ("patch", "/v1/webhook_endpoints/{endpoint}", {"description": "mine now"}),
    ("delete", "/v1/webhook_endpoints/{endpoint}", None),
    ("get", "/v1/webhook_endpoints/{endpoint}/secret", None),
    ("post", "/v1/webhook_endpoints/{endpoint}/rotate_secret", None),
    ("post", "/v1/webhook_endpoints/{endpoint}/test", None),
    ("post", "/v1/webhook_endpoints/{endpoint}/recover", {"since": "2020-01-01T00:00:00Z"}),
    ("get", "/v1/webhook_endpoints/{endpoint}/deliveries", None),
    ("get", "/v1/webhook_endpoints/{endpoint}/attempts", None),
    ("get", "/v1/webhook_deliveries/{delivery}", None),
    ("get", "/v1/webhook_deliveries/{delivery}/attempts", None),
    ("post", "/v1/webhook_deliveries/{delivery}/retry", None),
]


@pytest.mark.parametrize(("method", "route", "body"), ID_ROUTES)
def test_outsider_gets_404_and_changes_nothing(
    api, outsider_api_host, allow_sink, tenant, method, route, body
):
    # given: our endpoint with a failed delivery
    endpoint = _create(api, allow_sink.url())
    allow_sink.script(Reply(status=500))
    _, delivery = _deliver_event(tenant, endpoint["id"])
    with tenant_context(tenant):
        before = WebhookEndpoint.objects.get(pk=endpoint["id"])
    path = route.format(endpoint=endpoint["id"], delivery=delivery.id)
    # when
    if method in ("post", "patch"):
        response = getattr(outsider_api_host, method)(path, body)
    else:
        response = getattr(outsider_api_host, method)(path)
    # then
    problem(response, 404)
    with tenant_context(tenant):
        after = WebhookEndpoint.objects.get(pk=endpoint["id"])
        assert (after.secret, after.description, after.updated_at) == (
            before.secret,
            before.description,
            before.updated_at,
        )
        assert WebhookDelivery.objects.get(pk=delivery.id).status == Status.FAILED
        assert WebhookDelivery.objects.count() == 1
    assert len(allow_sink.requests) == 1


def test_outsider_lists_show_none_of_our_data(api, outsider_api_host, allow_sink, tenant):
    endpoint = _create(api, allow_sink.url())
    _, delivery = _deliver_event(tenant, endpoint["id"])
    for path in ("/v1/webhook_endpoints", "/v1/webhook_deliveries", "/v1/webhook_attempts"):
        assert outsider_api_host.get(path).json()["data"] == []
    assert (
        outsider_api_host.get("/v1/webhook_deliveries", endpoint=endpoint["id"]).json()["data"]
        == []
    )


@pytest.mark.parametrize(
    ("scopes", "method", "expected"),
    [
        (["webhooks:read"], "get", 200),
        (["webhooks:read"], "post", 403),
        (["webhooks:write"], "post", 201),
        (["challenges:write"], "get", 403),
    ],
)
def test_scopes(api_client_factory, tenant, allow_sink, scopes, method, expected):
    from apikeys.services import api_key_create

    key = api_key_create(tenant=tenant, name="scoped", scopes=scopes).secret
    from api.v1.tests.support import Api

    client = Api(api_client_factory(key))
    if method == "get":
        response = client.get("/v1/webhook_endpoints")
    else:
        response = client.post("/v1/webhook_endpoints", {"url": allow_sink.url(), "events": ["*"]})
    assert response.status_code == expected, response.content
    if expected == 403:
        with tenant_context(tenant):
            assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize(
    ("scopes", "expected"),
    [(["webhooks:read"], 403), (["webhooks:write"], 200), (["all"], 200)],
)
def test_reading_the_signing_secret_needs_the_write_scope(
    api, api_client_factory, tenant, allow_sink, scopes, expected
):
    # given: an endpoint, and a key with only these scopes
    from api.v1.tests.support import Api
    from apikeys.services import api_key_create

    endpoint = _create(api, allow_sink.url())
    client = Api(api_client_factory(api_key_create(tenant=tenant, name="s", scopes=scopes).secret))
    # when
    response = client.get(f"/v1/webhook_endpoints/{endpoint['id']}/secret")
    # then: a read key sees the endpoint, never its secret
    if expected == 403:
        body = problem(response, 403, "insufficient_scope")
        assert body["required_scope"] == "webhooks:write"
        assert endpoint["secret"] not in response.content.decode()
        assert client.get(f"/v1/webhook_endpoints/{endpoint['id']}").status_code == 200
    else:
        assert response.status_code == 200 and response.json()["secret"] == endpoint["secret"]


RFC3339_UTC = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z"


def test_webhook_resources_and_events_carry_rfc3339_utc_timestamps(api, allow_sink, tenant):
    # given: an endpoint, a failed delivery, a rotated secret, a recovery
    endpoint = _create(api, allow_sink.url())
    allow_sink.script(Reply(status=500))
    event, delivery = _deliver_event(tenant, endpoint["id"])
    rotated = api.post(f"/v1/webhook_endpoints/{endpoint['id']}/rotate_secret").json()
    recovered = api.post(
        f"/v1/webhook_endpoints/{endpoint['id']}/recover", {"since": "2020-01-01T00:00:00+01:00"}
    ).json()
    # when
    fetched = api.get(f"/v1/webhook_endpoints/{endpoint['id']}").json()
    fetched_delivery = api.get(f"/v1/webhook_deliveries/{delivery.id}").json()
    attempt = api.get(f"/v1/webhook_deliveries/{delivery.id}/attempts").json()["data"][0]
    listed_event = api.get(f"/v1/events/{event.id}").json()
    (received,) = allow_sink.requests
    # then
    moments = {
        "endpoint.created_at": fetched["created_at"],
        "endpoint.updated_at": fetched["updated_at"],
        "endpoint.health.failing_since": fetched["health"]["failing_since"],
        "endpoint.health.last_failure_at": fetched["health"]["last_failure_at"],
        "secret.previous_secret_expires_at": rotated["previous_secret_expires_at"],
        "recovery.since": recovered["since"],
        "delivery.created_at": fetched_delivery["created_at"],
        "delivery.next_attempt_at": fetched_delivery["next_attempt_at"],
        "delivery.last_attempt_at": fetched_delivery["last_attempt_at"],
        "attempt.attempted_at": attempt["attempted_at"],
        "event.created_at": listed_event["created_at"],
        "webhook body.created_at": json.loads(received.body)["created_at"],
    }
    for name, moment in moments.items():
        assert isinstance(moment, str) and re.fullmatch(RFC3339_UTC, moment), (name, moment)
    assert recovered["since"] == "2019-12-31T23:00:00Z"
    assert datetime.fromisoformat(listed_event["created_at"]) == event.created_at
    for retired in ("created", "updated"):
        assert retired not in fetched and retired not in listed_event
    assert "created" not in fetched_delivery


def test_output_serializers_describe_exactly_what_is_rendered(api, allow_sink, tenant):
    from api.v1 import webhook_serializers as io

    endpoint = _create(api, allow_sink.url())
    _, delivery = _deliver_event(tenant, endpoint["id"])
    rendered = {
        io.WebhookEndpointWithSecretSerializer: endpoint,
        io.WebhookEndpointSerializer: api.get(f"/v1/webhook_endpoints/{endpoint['id']}").json(),
        io.WebhookEndpointSecretSerializer: api.post(
            f"/v1/webhook_endpoints/{endpoint['id']}/rotate_secret"
        ).json(),
        io.WebhookDeliverySerializer: api.get(f"/v1/webhook_deliveries/{delivery.id}").json(),
        io.WebhookAttemptSerializer: api.get("/v1/webhook_attempts").json()["data"][0],
        io.WebhookRecoverResultSerializer: api.post(
            f"/v1/webhook_endpoints/{endpoint['id']}/recover", {"since": "2020-01-01T00:00:00Z"}
        ).json(),
    }
    for serializer_class, body in rendered.items():
        assert set(serializer_class().fields) == set(body), serializer_class.__name__
        assert set(io.WebhookEndpointHealthSerializer().fields) == set(endpoint["health"])


def test_the_ping_is_an_outbox_event_addressed_to_its_endpoint(api, allow_sink, tenant):
    """Through ``event_emit``: listed in /v1/events, dispatched like any event — and however
    often it is fanned out, no other endpoint receives it, not even one subscribed to ``*``."""
    from events.dispatch import event_dispatch
    from webhooks.models import EventDispatch

    # given: the target subscribes to one type only; a bystander to everything
    target = _create(api, allow_sink.url("/target"), events=["challenge.created"])
    bystander = _create(api, allow_sink.url("/bystander"))
    # when
    delivery = api.post(f"/v1/webhook_endpoints/{target['id']}/test").json()
    with tenant_context(tenant):
        event = Event.objects.get(pk=delivery["event"])
        # the dispatch after the commit (every consumer), then a fan-out as if it never happened
        outcomes = event_dispatch(event_id=event.id, schema_name=tenant.schema_name)
        EventDispatch.objects.filter(event=event).delete()
        WebhookDelivery.objects.filter(event=event).delete()
        again = webhook_event_fan_out(event_id=event.id)
        deliveries = list(WebhookDelivery.objects.filter(event=event))
    # then
    assert (event.type, event.recipient) == ("ping", target["id"])
    # every registered consumer heard it (the stream, webhooks, and billing's Stripe sync)
    assert {"stream", "webhooks"} <= set(outcomes) and all(outcomes.values())
    assert [d.endpoint_id for d in deliveries] == [target["id"]] and again == [deliveries[0].id]
    assert [e["id"] for e in api.get("/v1/events", type="ping").json()["data"]] == [event.id]
    assert bystander["id"] not in {d.endpoint_id for d in deliveries}
