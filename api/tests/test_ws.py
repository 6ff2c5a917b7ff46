"""The WebSocket event stream (/v1/ws) through a real ASGI server (uvicorn) and a real client
(``websockets``): authentication, subscriptions, heartbeats, close codes, tenant and mode
isolation, metering and rate limiting, and events arriving from the outbox through the worker."""

import json
import socket
import time

import pytest
from django.conf import settings
from django_redis import get_redis_connection
from django_tenants.utils import tenant_context
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from api.stream import stream_publish
from api.testing import uvicorn_server
from metering.records import USAGE_STREAM
from core.testing import wait_for

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def ws_port(_session_tenants, tmp_path_factory):
    with uvicorn_server(
        log_dir=tmp_path_factory.mktemp("ws"),
        WS_HEARTBEAT_SECONDS="0.5",
        WS_AUTH_TIMEOUT_SECONDS="1",
    ) as base_url:
        yield int(base_url.rsplit(":", 1)[1])


@pytest.fixture
def keys(_session_api_keys):
    return _session_api_keys


def _open(port, host, key=None, path="/v1/ws"):
    headers = {"Authorization": f"Bearer {key}"} if key else None
    return connect(
        f"ws://{host}:{port}{path}",
        sock=socket.create_connection(("127.0.0.1", port)),
        additional_headers=headers,
        open_timeout=10,
    )


def _recv(ws, timeout=5.0, skip_heartbeats=True) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        message = json.loads(ws.recv(timeout=max(0.01, deadline - time.monotonic())))
        if not (skip_heartbeats and message["type"] == "heartbeat"):
            return message


def _closed_with(ws) -> tuple[int, dict]:
    """The error message the server sent before closing, and the close code."""
    error = _recv(ws)
    with pytest.raises(ConnectionClosed) as closed:
        _recv(ws)
    return closed.value.rcvd.code, error


def _subscribe(ws, *events):
    ws.send(json.dumps({"type": "subscribe", "events": list(events)}))
    assert _recv(ws)["type"] == "subscribed"


def _payload(event_id, event_type="challenge.created", livemode=True):
    return {
        "id": event_id,
        "object": "event",
        "type": event_type,
        "created": int(time.time()),
        "livemode": livemode,
        "request_id": None,
        "data": {"object": {"id": "chl_ws"}},
    }


def _no_event_within(ws, seconds=1.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            message = _recv(ws, timeout=deadline - time.monotonic())
        except TimeoutError:
            return
        assert message["type"] != "event", message


def test_header_auth_subscriptions_and_heartbeats_on_the_tenant_host(ws_port, keys):
    # given
    with _open(ws_port, "alpha.localhost", keys["live"]) as ws:
        welcome = _recv(ws)
        _subscribe(ws, "challenge.created", "application.*")
        # when
        for event_id, event_type in [
            ("evt_ws_1", "review.created"),
            ("evt_ws_2", "challenge.created"),
            ("evt_ws_3", "application.submitted"),
        ]:
            stream_publish(schema_name="t_alpha", payload=_payload(event_id, event_type))
        # then
        assert welcome["type"] == "welcome" and welcome["livemode"] is True
        assert welcome["tenant"] == "alpha"
        received = [_recv(ws), _recv(ws)]
        assert [m["event"]["id"] for m in received] == ["evt_ws_2", "evt_ws_3"]
        assert received[0]["type"] == "event"
        assert received[0]["event"]["data"] == {"object": {"id": "chl_ws"}}
        assert _recv(ws, skip_heartbeats=False)["type"] == "heartbeat"
        ws.send(json.dumps({"type": "ping"}))
        assert _recv(ws)["type"] == "pong"


def test_first_message_auth_on_the_api_host_sees_its_mode_only(ws_port, keys):
    # given: the sandbox key, authenticated by message on the shared API host
    with _open(ws_port, "api.localhost") as ws:
        ws.send(json.dumps({"type": "auth", "key": keys["test"]}))
        welcome = _recv(ws)
        _subscribe(ws, "*")
        # when
        stream_publish(schema_name="t_alpha", payload=_payload("evt_live"))
        stream_publish(schema_name="t_alpha_test", payload=_payload("evt_test", livemode=False))
        # then
        assert welcome["livemode"] is False
        message = _recv(ws)
        assert message["event"]["id"] == "evt_test"
        _no_event_within(ws, 0.5)


def test_another_tenants_stream_is_never_seen(ws_port, keys):
    with _open(ws_port, "api.localhost", keys["other_live"]) as ws:
        assert _recv(ws)["tenant"] == "beta"
        _subscribe(ws, "*")
        stream_publish(schema_name="t_alpha", payload=_payload("evt_alpha"))
        stream_publish(schema_name="t_beta", payload=_payload("evt_beta"))
        assert _recv(ws)["event"]["id"] == "evt_beta"
        _no_event_within(ws, 0.5)


@pytest.mark.parametrize(
    ("host", "key_name", "path", "expected_code", "error_code"),
    [
        ("alpha.localhost", "bogus", "/v1/ws", 4401, "invalid_api_key"),
        ("beta.localhost", "live", "/v1/ws", 4401, "invalid_api_key"),  # alpha's key, beta's host
        ("nowhere.example", "live", "/v1/ws", 4404, "unknown_host"),
        ("alpha.localhost", None, "/v1/ws?key=oc_live_x", 4400, "key_in_url"),
    ],
)
def test_bad_keys_and_hosts_are_closed_cleanly(
    ws_port, keys, host, key_name, path, expected_code, error_code
):
    key = "oc_live_bogus" if key_name == "bogus" else keys.get(key_name)
    with _open(ws_port, host, key, path=path) as ws:
        code, error = _closed_with(ws)
    assert (code, error["type"], error["code"]) == (expected_code, "error", error_code)


def test_no_auth_in_time_is_closed(ws_port):
    with _open(ws_port, "api.localhost") as ws:
        code, error = _closed_with(ws)
    assert (code, error["code"]) == (4401, "auth_timeout")


@pytest.mark.parametrize(
    ("messages", "expected_code"),
    [
        (["not json"], 4400),
        ([json.dumps(["a list"])], 4400),
        ([json.dumps({"type": "subscribe", "events": "challenge.created"})], 4400),
        ([json.dumps({"type": "launch"})], 4400),
        ([json.dumps({"type": "auth", "key": "{live}"})], 4400),  # twice
    ],
)
def test_bad_messages_are_closed_cleanly(ws_port, keys, messages, expected_code):
    with _open(ws_port, "alpha.localhost", keys["live"]) as ws:
        assert _recv(ws)["type"] == "welcome"
        for message in messages:
            ws.send(message.replace("{live}", keys["live"]))
        code, error = _closed_with(ws)
    assert (code, error["code"]) == (expected_code, "bad_message")


def test_messages_before_auth_are_refused(ws_port):
    with _open(ws_port, "alpha.localhost") as ws:
        ws.send(json.dumps({"type": "subscribe", "events": ["*"]}))
        code, error = _closed_with(ws)
    assert (code, error["code"]) == (4401, "unauthenticated")


def test_a_connection_is_metered_as_a_call(ws_port, keys):
    # given
    redis = get_redis_connection("default")
    # when
    with _open(ws_port, "alpha.localhost", keys["live"]) as ws:
        request_id = _recv(ws)["request_id"]

    # then
    def metered():
        for _, fields in redis.xrange(USAGE_STREAM, "-", "+"):
            if fields.get(b"id") == request_id.encode():
                return fields
        return None

    fields = wait_for(metered, timeout=10, message="the connection was not metered")
    assert (fields[b"r"], fields[b"s"], fields[b"m"]) == (b"/v1/ws", b"101", b"live")


def test_over_the_rate_limit_the_connection_is_refused(ws_port, keys, django_db_blocker):
    # given: alpha's live bucket is empty
    from api.gateway import key_authenticate, rate_limit_check, rate_limit_reset

    with django_db_blocker.unblock():
        context = key_authenticate(keys["live"], host_tenant=None)
    try:
        while rate_limit_check(context, cost=context.plan.burst).allowed:
            pass
        # when
        with _open(ws_port, "alpha.localhost", keys["live"]) as ws:
            code, error = _closed_with(ws)
    finally:
        rate_limit_reset(organisation_id=context.organisation.pk)
    # then
    assert code == 4429 and error["code"] == "rate_limited" and error["retry_after"] >= 1


def test_outbox_events_reach_the_stream_through_the_worker(
    ws_port, keys, celery_worker_process, _session_tenants, django_db_blocker
):
    from events.models import Event
    from events.services import event_emit

    alpha = _session_tenants[0]
    with _open(ws_port, "alpha.localhost", keys["live"]) as ws:
        _recv(ws)
        _subscribe(ws, "challenge.*")
        with django_db_blocker.unblock(), tenant_context(alpha):
            try:
                # when: a committed change writes the outbox
                event = event_emit(type="challenge.published", data={"id": "chl_ws_worker"})
                # then
                message = _recv(ws, timeout=20)
                assert message["event"] == event.as_payload()
            finally:
                Event.objects.filter(data__id="chl_ws_worker").delete()
    assert settings.WEBHOOK_QUEUE == "webhooks"
