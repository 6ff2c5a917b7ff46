"""Subscriptions over graphql-transport-ws at /v1/graphql, against a real server process:
authenticated by the gateway, delivered only to the key's tenant and mode, alive past 10 s."""

import json
import socket
import time

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from api.stream import stream_publish
from api.testing import uvicorn_server

pytestmark = pytest.mark.slow

SUBSCRIPTION = 'subscription { events(types: ["challenge.*"]) { id type livemode data } }'


@pytest.fixture(scope="module")
def port(_session_tenants, tmp_path_factory):
    with uvicorn_server(
        log_dir=tmp_path_factory.mktemp("graphql-ws"), WS_AUTH_TIMEOUT_SECONDS="1"
    ) as base_url:
        yield int(base_url.rsplit(":", 1)[1])


@pytest.fixture
def keys(_session_api_keys):
    return _session_api_keys


def _open(port, host="alpha.localhost", path="/v1/graphql", protocols=("graphql-transport-ws",)):
    return connect(
        f"ws://{host}:{port}{path}",
        sock=socket.create_connection(("127.0.0.1", port)),
        subprotocols=list(protocols) or None,
        open_timeout=10,
    )


def _recv(ws, timeout=5.0) -> dict:
    return json.loads(ws.recv(timeout=timeout))


def _send_init(ws, key) -> None:
    ws.send(json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {key}"}}))


def _init(ws, key) -> dict:
    _send_init(ws, key)
    return _recv(ws)


def _subscribe(ws, operation_id="1", query=SUBSCRIPTION):
    ws.send(json.dumps({"type": "subscribe", "id": operation_id, "payload": {"query": query}}))


def _payload(event_id, event_type="challenge.created", livemode=True):
    return {
        "id": event_id,
        "object": "event",
        "type": event_type,
        "created_at": "2026-12-01T12:00:00Z",
        "livemode": livemode,
        "request_id": None,
        "data": {"object": {"id": "chl_ws"}},
    }


def _events_within(ws, seconds: float) -> list[dict]:
    received = []
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        try:
            message = _recv(ws, timeout=left)
        except TimeoutError:
            break
        assert message["type"] == "next", message
        received.append(message["payload"]["data"]["events"])
    return received


def _closed(ws) -> int:
    with pytest.raises(ConnectionClosed) as closed:
        while True:
            ws.recv(timeout=5)
    return closed.value.rcvd.code


def test_events_of_the_keys_tenant_and_mode_only_and_alive_past_ten_seconds(port, keys):
    with _open(port) as live, _open(port, host="api.localhost") as sandbox:
        assert _init(live, keys["live"]) == {
            "type": "connection_ack",
            "payload": {"livemode": True, "tenant": "alpha"},
        }
        assert _init(sandbox, keys["test"])["payload"]["livemode"] is False
        _subscribe(live)
        _subscribe(sandbox)
        time.sleep(0.5)

        # when: events of each schema, and one of a type nobody subscribed to
        stream_publish(schema_name="t_alpha", payload=_payload("evt_live"))
        stream_publish(schema_name="t_alpha_test", payload=_payload("evt_test", livemode=False))
        stream_publish(schema_name="t_beta", payload=_payload("evt_beta"))
        stream_publish(schema_name="t_alpha", payload=_payload("evt_app", "application.submitted"))

        # then
        assert [e["id"] for e in _events_within(live, 2)] == ["evt_live"]
        assert [e["id"] for e in _events_within(sandbox, 1)] == ["evt_test"]

        # and after more than 10 s connected, still delivered, and pings answered
        time.sleep(10.5)
        live.send(json.dumps({"type": "ping"}))
        assert _recv(live) == {"type": "pong"}
        stream_publish(schema_name="t_alpha", payload=_payload("evt_later", "challenge.closed"))
        later = _events_within(live, 2)
        assert later == [
            {
                "id": "evt_later",
                "type": "challenge.closed",
                "livemode": True,
                "data": {"object": {"id": "chl_ws"}},
            }
        ]

        # and complete stops it
        live.send(json.dumps({"type": "complete", "id": "1"}))
        time.sleep(0.3)
        stream_publish(schema_name="t_alpha", payload=_payload("evt_after_complete"))
        assert _events_within(live, 1) == []


def test_documents_are_checked_as_over_http(port, keys):
    with _open(port) as ws:
        _init(ws, keys["live"])
        _subscribe(ws, "q", "{ me { object } }")
        _subscribe(ws, "bad", 'subscription { events(types: ["no such"]) { id } }')
        _subscribe(ws, "deep", "subscription { events { " + "x { " * 40 + "}" * 42)
        messages = {}
        while len(messages) < 3 or "complete" not in str(messages.get("bad")):
            message = _recv(ws)
            messages.setdefault(message["id"], []).append(message)

    refused, too_deep = messages["q"][0], messages["deep"][0]
    assert refused["type"] == "error"
    assert refused["payload"][0]["extensions"]["code"] == "graphql_bad_request"
    assert too_deep["type"] == "error"
    assert too_deep["payload"][0]["extensions"]["code"] == "query_too_complex"
    # a resolver's refusal is an execution error: next with errors, then complete
    invalid, completed = messages["bad"]
    assert invalid["type"] == "next"
    assert invalid["payload"]["errors"][0]["extensions"]["code"] == "validation_error"
    assert completed == {"type": "complete", "id": "bad"}


@pytest.mark.parametrize(("key_name", "code"), [("bad", 4403), ("other_live", 4403), (None, 4408)])
def test_refused_connections_are_closed_with_the_protocols_codes(port, keys, key_name, code):
    with _open(port) as ws:
        if key_name == "bad":
            _send_init(ws, "oc_live_nonsense")
        elif key_name is not None:
            _send_init(ws, keys[key_name])  # another tenant's key on our host
        assert _closed(ws) == code


def test_subscribing_before_the_ack_and_without_the_subprotocol(port):
    with _open(port) as ws:
        _subscribe(ws)
        assert _closed(ws) == 4401
    with _open(port, protocols=()) as ws:
        assert _closed(ws) == 4406


def test_the_event_stream_still_answers_on_v1_ws(port, keys):
    headers = {"Authorization": f"Bearer {keys['live']}"}
    with connect(
        f"ws://alpha.localhost:{port}/v1/ws",
        sock=socket.create_connection(("127.0.0.1", port)),
        additional_headers=headers,
        open_timeout=10,
    ) as ws:
        assert _recv(ws)["type"] == "welcome"
