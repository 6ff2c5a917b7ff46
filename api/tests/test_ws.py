"""The WebSocket event stream (/v1/ws) through a real ASGI server (uvicorn) and a real client
(``websockets``): authentication, subscriptions, heartbeats, close codes, tenant and mode
isolation, metering and rate limiting, and events arriving from the outbox through the worker."""

import json
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django_redis import get_redis_connection
from django_tenants.utils import tenant_context
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from api.stream import stream_publish
from api.testing import RedisServer, uvicorn_server
from core.testing import wait_for
from metering.records import USAGE_STREAM

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


def _ping_with(raw_value: str) -> str:
    return '{"type": "ping", "extra": ' + raw_value + "}"


DEEP = "[" * 5000 + "]" * 5000
BAD_FRAMES = {
    "not json": "not json",
    "a list": json.dumps(["a list"]),
    "type not a string": json.dumps({"type": 5}),
    "events not a list": json.dumps({"type": "subscribe", "events": "challenge.created"}),
    "unknown type": json.dumps({"type": "launch"}),
    "auth twice": json.dumps({"type": "auth", "key": "{live}"}),
    "5,000 deep": DEEP,
    "5,000 deep inside a message": _ping_with(DEEP),
    "33 deep inside a message": _ping_with("[" * 33 + "]" * 33),
    "NaN": _ping_with("NaN"),
    "Infinity": _ping_with("Infinity"),
    "-Infinity": _ping_with("-Infinity"),
    "NUL": _ping_with('"\\u0000"'),
    "lone surrogate": _ping_with('"\\ud800"'),
    "lone surrogate key": '{"type": "ping", "\\udfff": 1}',
    "raw control character": '{"type": "ping\x01"}',
    "over 16 KiB": _ping_with(json.dumps("x" * 16 * 1024)),
    "over 16 KiB in UTF-8, under in characters": _ping_with(
        json.dumps("é" * 9000, ensure_ascii=False)
    ),
    "binary frame": b'{"type": "ping"}',
    "pattern with capitals": json.dumps({"type": "subscribe", "events": ["Challenge.Created"]}),
    "pattern with a space": json.dumps({"type": "subscribe", "events": ["challenge created"]}),
    "pattern with a wildcard inside": json.dumps({"type": "subscribe", "events": ["*.created"]}),
    "empty pattern": json.dumps({"type": "subscribe", "events": [""]}),
    "101 patterns": json.dumps({"type": "subscribe", "events": [f"t{i}" for i in range(101)]}),
    "100 + 1 patterns": json.dumps({"type": "subscribe", "events": [f"t{i}" for i in range(100)]})
    + "\n"
    + json.dumps({"type": "subscribe", "events": ["t100"]}),
}


@pytest.mark.parametrize("frames", BAD_FRAMES.values(), ids=BAD_FRAMES.keys())
def test_bad_messages_are_closed_cleanly(ws_port, keys, frames):
    with _open(ws_port, "alpha.localhost", keys["live"]) as ws:
        assert _recv(ws)["type"] == "welcome"
        for frame in frames.split("\n") if isinstance(frames, str) else [frames]:
            ws.send(frame.replace("{live}", keys["live"]) if isinstance(frame, str) else frame)
        replies = frames.count("\n") if isinstance(frames, str) else 0
        assert [_recv(ws)["type"] for _ in range(replies)] == ["subscribed"] * replies
        code, error = _closed_with(ws)
    assert (code, error["type"], error["code"]) == (4400, "error", "bad_message")
    assert error["detail"]


@pytest.mark.parametrize("frame", [DEEP, _ping_with("NaN"), '{"type": "auth", "key": 5}'])
def test_bad_first_messages_are_closed_cleanly(ws_port, frame):
    with _open(ws_port, "api.localhost") as ws:
        ws.send(frame)
        code, error = _closed_with(ws)
    assert (code, error["code"]) == (4400, "bad_message")


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
    # given: alpha's live bucket is empty, and the server knows the key (its cache is warm)
    from api.gateway import key_authenticate, rate_limit_check, rate_limit_reset

    with django_db_blocker.unblock():
        context = key_authenticate(keys["live"], host_tenant=None)
    with _open(ws_port, "alpha.localhost", keys["live"]) as ws:
        assert _recv(ws)["type"] == "welcome"
    # The bucket refills (a Pro bucket gains a token every 40 ms) and a handshake on a loaded
    # machine takes longer than that: a drainer takes every token as it comes back, so the
    # handshake finds none but by a sub-millisecond chance; a few tries cover that chance, and a
    # server that never refuses still fails the test.
    draining = threading.Event()
    draining.set()

    def drain() -> None:
        while draining.is_set():
            rate_limit_check(context, cost=1, is_counted=False)

    drainer = threading.Thread(target=drain, daemon=True)
    drainer.start()
    time.sleep(0.2)  # a full bucket is gone in a few milliseconds
    try:
        for _ in range(5):
            # when
            with _open(ws_port, "alpha.localhost", keys["live"]) as ws:
                first = _recv(ws)
                if first["type"] == "error":
                    with pytest.raises(ConnectionClosed) as closed:
                        _recv(ws)
                    break
    finally:
        draining.clear()
        drainer.join()
        rate_limit_reset(organisation_id=context.organisation.pk)
    # then
    assert first["type"] == "error", first
    assert closed.value.rcvd.code == 4429
    assert first["code"] == "rate_limited" and first["retry_after"] >= 1


def test_outbox_events_reach_the_stream_through_the_worker(
    ws_port, keys, celery_worker_process, _session_tenants, django_db_blocker
):
    from events.models import Event
    from events.services import event_emit
    from webhooks.models import EventDispatch

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
                # The stream hears of the event before the webhooks consumer of the same dispatch
                # marks it fanned out: deleting it before that mark races the worker's insert.
                wait_for(
                    lambda: EventDispatch.objects.filter(event_id=event.id).exists(),
                    timeout=20,
                    message="the dispatch never finished",
                )
                Event.objects.filter(data__id="chl_ws_worker").delete()
    assert settings.WEBHOOK_QUEUE == "webhooks"


IDLE_SECONDS = 65.0  # past every timeout in play: see the test's docstring
IDLE_HEARTBEAT_SECONDS = 10.0
AUTH_TIMEOUT_SECONDS = 10.0


@pytest.fixture(scope="module")
def idle_ws_port(_session_tenants, tmp_path_factory):
    """A server with production-like timings: heartbeats every 10 s, 10 s to authenticate."""
    with uvicorn_server(
        log_dir=tmp_path_factory.mktemp("ws_idle"),
        WS_HEARTBEAT_SECONDS=str(IDLE_HEARTBEAT_SECONDS),
        WS_AUTH_TIMEOUT_SECONDS=str(AUTH_TIMEOUT_SECONDS),
    ) as base_url:
        yield int(base_url.rsplit(":", 1)[1])


def _frames_until(ws, deadline: float, started: float) -> list[tuple[float, dict]]:
    """Every frame until ``deadline`` (monotonic), with its arrival time since ``started``; a
    closed connection fails the test with the time it closed at."""
    frames = []
    while (left := deadline - time.monotonic()) > 0:
        try:
            message = json.loads(ws.recv(timeout=left))
        except TimeoutError:
            break
        except ConnectionClosed as closed:
            pytest.fail(
                f"the idle socket closed after {time.monotonic() - started:.1f} s "
                f"(close frame: {closed.rcvd}); frames before: {frames}"
            )
        frames.append((time.monotonic() - started, message))
    return frames


def _idle_subscriber(port, key) -> dict:
    with _open(port, "alpha.localhost", key) as ws:
        started = time.monotonic()
        welcome = _recv(ws)
        _subscribe(ws, "challenge.*")
        frames = _frames_until(ws, started + IDLE_SECONDS, started)
        stream_publish(schema_name="t_alpha", payload=_payload("evt_ws_idle", "challenge.updated"))
        after = _frames_until(ws, time.monotonic() + 5, started)
        ws.send(json.dumps({"type": "ping"}))
        pong = _recv(ws)
    return {"welcome": welcome, "idle": frames, "after": after, "pong": pong}


def _unauthenticated(port) -> dict:
    with _open(port, "api.localhost") as ws:
        started = time.monotonic()
        try:
            error = json.loads(ws.recv(timeout=AUTH_TIMEOUT_SECONDS + 5))
        except ConnectionClosed as closed:
            pytest.fail(
                f"the unauthenticated socket was dropped after {time.monotonic() - started:.1f} s "
                f"with no error message (close frame: {closed.rcvd})"
            )
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=5)
        return {"elapsed": time.monotonic() - started, "error": error, "close": closed.value.rcvd}


def test_idle_sockets_outlive_every_timeout(idle_ws_port, keys):
    """An idle subscriber stays connected for 65 s — past redis-py's socket timeout (5 s in
    redis-py 8, racing channels-redis' 5 s BZPOPMIN), uvicorn's and the client's keepalive pings
    (20 s + 20 s), channels-redis' 60 s message expiry and several heartbeats — and still gets its
    heartbeats on time and an event sent at the end. Meanwhile an unauthenticated socket is closed
    by the server with 4401 at ``WS_AUTH_TIMEOUT_SECONDS``, the error message first."""
    # given: both sockets at once, to share the wait
    with ThreadPoolExecutor(max_workers=2) as pool:
        subscriber = pool.submit(_idle_subscriber, idle_ws_port, keys["live"])
        unauthenticated = pool.submit(_unauthenticated, idle_ws_port)
        # when both have waited
        idle, refused = subscriber.result(), unauthenticated.result()

    # then the unauthenticated one was closed at the auth deadline, not dropped at 5 s
    assert refused["error"]["type"] == "error" and refused["error"]["code"] == "auth_timeout"
    assert refused["close"] is not None and refused["close"].code == 4401
    assert AUTH_TIMEOUT_SECONDS - 0.5 <= refused["elapsed"] <= AUTH_TIMEOUT_SECONDS + 2.5
    # and the subscriber got only heartbeats while idle, every one on time
    assert idle["welcome"]["heartbeat_interval"] == IDLE_HEARTBEAT_SECONDS
    assert [m["type"] for _, m in idle["idle"]] == ["heartbeat"] * 6, idle["idle"]
    arrivals = [at for at, _ in idle["idle"]]
    gaps = [later - earlier for earlier, later in zip([0.0, *arrivals], arrivals, strict=False)]
    assert all(abs(gap - IDLE_HEARTBEAT_SECONDS) < 1.5 for gap in gaps), gaps
    # and the event sent after 65 s idle arrived, and the socket still answers
    events = [m for _, m in idle["after"] if m["type"] == "event"]
    assert [m["event"]["id"] for m in events] == ["evt_ws_idle"]
    assert idle["pong"]["type"] == "pong"


def test_a_channel_layer_failure_closes_with_internal_error(keys, tmp_path):
    """Redis going away under an open stream is no dropped socket: the client gets
    ``internal_error`` and 1011 (reconnect), and once Redis is back a new connection works."""
    from asgiref.sync import async_to_sync
    from channels_redis.core import RedisChannelLayer

    # given: a server whose channel layer (and limits) live on a Redis of its own
    redis_server = RedisServer(tmp_path)
    redis_server.start()
    env = {"REDIS_URL": redis_server.url, "WS_HEARTBEAT_SECONDS": "30"}
    try:
        with uvicorn_server(log_dir=tmp_path, **env) as base_url:
            port = int(base_url.rsplit(":", 1)[1])
            with _open(port, "alpha.localhost", keys["live"]) as ws:
                assert _recv(ws)["type"] == "welcome"
                _subscribe(ws, "*")
                # when Redis stops
                redis_server.stop()
                started = time.monotonic()
                error = _recv(ws, timeout=20)
                with pytest.raises(ConnectionClosed) as closed:
                    _recv(ws)
            # then
            assert (error["type"], error["code"]) == ("error", "internal_error"), error
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 1011
            assert time.monotonic() - started < 20
            # and when Redis is back, the stream works again
            redis_server.start()
            layer = RedisChannelLayer(hosts=[redis_server.url], prefix="oc:channels")
            with _open(port, "alpha.localhost", keys["live"]) as ws:
                assert _recv(ws)["type"] == "welcome"
                _subscribe(ws, "*")
                async_to_sync(layer.group_send)(
                    "events.t_alpha", {"type": "event.message", "event": _payload("evt_back")}
                )
                assert _recv(ws)["event"]["id"] == "evt_back"
    finally:
        redis_server.stop()


def test_a_key_sees_only_the_events_of_families_it_may_read(
    ws_port, _session_tenants, django_db_blocker
):
    """An event carries its object: ``events:read`` alone does not reveal an application."""
    from apikeys.services import api_key_create

    # given a key that may read events and challenges, not applications
    with django_db_blocker.unblock():
        issued = api_key_create(
            tenant=_session_tenants[0], name="ws scoped", scopes=["events:read", "challenges:read"]
        )
    try:
        with _open(ws_port, "alpha.localhost", issued.secret) as ws:
            _recv(ws)
            _subscribe(ws, "*")
            # when
            stream_publish(
                schema_name="t_alpha", payload=_payload("evt_app", "application.submitted")
            )
            stream_publish(schema_name="t_alpha", payload=_payload("evt_chl", "challenge.created"))
            # then
            assert _recv(ws)["event"]["id"] == "evt_chl"
            _no_event_within(ws, 0.5)
    finally:
        with django_db_blocker.unblock():
            issued.api_key.delete()
