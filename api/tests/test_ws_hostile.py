"""Hostile input on the WebSocket protocol (/v1/ws): generated sessions against one real server.

Each hypothesis example opens a connection (key in the header, in a first ``auth`` message, or
none; a tenant's host or the shared API host) and sends a few generated frames: JSON messages
whose every field has a wrong type, control characters, lone surrogates, NaN/Infinity, overlong
strings around ``MAX_MESSAGE_BYTES``, deep nesting, huge and odd subscription lists, unknown
types, binary frames and raw text. Properties:

- every frame gets exactly one answer (``welcome``, ``subscribed``, ``pong`` or ``error``;
  heartbeats aside) within ``REPLY_SECONDS``;
- an ``error`` message carries a ``code`` and a ``detail`` and is followed by a close frame with
  4400, 4401, 4403 or 4429 — never 1011 (a failure on our side), never a dropped connection;
- the server logs no error and no traceback;
- afterwards a normal client still connects, subscribes and receives an event.
"""

import json
import socket
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from api.stream import stream_publish
from api.testing import uvicorn_server
from api.ws import MAX_MESSAGE_BYTES, MAX_SUBSCRIPTIONS

pytestmark = pytest.mark.slow

EXAMPLES = 300
REPLY_SECONDS = 5.0
CLIENT_CLOSE_CODES = {4400, 4401, 4403, 4429}
REPLY_TYPES = {"welcome", "subscribed", "pong", "error"}
MESSAGE_TYPES = ["auth", "subscribe", "unsubscribe", "ping"]


@pytest.fixture(scope="module")
def server(_session_tenants, tmp_path_factory):
    """One server for the module; heartbeats rare enough not to matter, auth deadline short
    enough to be reached by a slow example (its 4401 is a valid answer too)."""
    log_dir = tmp_path_factory.mktemp("ws_hostile")
    with uvicorn_server(
        log_dir=log_dir, WS_HEARTBEAT_SECONDS="30", WS_AUTH_TIMEOUT_SECONDS="5"
    ) as base_url:
        port = int(base_url.rsplit(":", 1)[1])
        yield {"port": port, "log": log_dir / f"uvicorn-{port}.log"}


# --- strategies -------------------------------------------------------------------------------

# Every code point a text frame can carry (a lone surrogate cannot be encoded as UTF-8, so it
# only ever arrives as a JSON escape, which json.dumps writes for it below).
any_char = st.characters(codec=None, exclude_categories=("Cs",))
odd_char = st.sampled_from(
    ["\x00", "\x01", "\x1f", "\x7f", "\u2028", "\ufeff", "\u202e", "*", ".", " ", "é", "😀"]
)
odd_text = st.one_of(
    st.text(any_char, max_size=40),
    st.text(odd_char, min_size=1, max_size=8),
    st.text(st.characters(codec=None), max_size=20),  # lone surrogates included
    st.builds(lambda c, n: c * n, odd_char | any_char, st.integers(90, 110)),
)
overlong_text = st.builds(
    lambda c, n: c * n,
    st.sampled_from(["x", "é", "😀", "\x01"]),
    st.integers(MAX_MESSAGE_BYTES // 4 - 8, MAX_MESSAGE_BYTES + 64),
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    odd_text,
)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(odd_text, children, max_size=4)
    ),
    max_leaves=12,
)
valid_pattern = st.sampled_from(
    ["*", "challenge.*", "challenge.created", "application.status_changed", "billing.invoice.*"]
)
pattern = st.one_of(valid_pattern, odd_text, st.from_regex(r"[a-z*.]{1,12}", fullmatch=True))
events_field = st.one_of(
    json_values,
    st.lists(pattern, max_size=8),
    st.lists(valid_pattern, min_size=1, max_size=4),
    # Huge lists: just past the limit, and as many as fit in a frame.
    st.builds(lambda n: [f"t{i}.x" for i in range(n)], st.integers(MAX_SUBSCRIPTIONS - 2, 2000)),
)


@st.composite
def messages(draw, live_key: str) -> dict:
    kind = draw(st.sampled_from(MESSAGE_TYPES) | odd_text | json_values)
    message = {"type": kind}
    if draw(st.booleans()):
        message["key"] = draw(
            st.one_of(st.just(live_key), json_values, st.just("oc_live_" + "x" * 40), odd_text)
        )
    if draw(st.booleans()):
        message["events"] = draw(events_field)
    message.update(draw(st.dictionaries(odd_text, json_values, max_size=2)))
    return message


@st.composite
def frames(draw, live_key: str) -> str | bytes:
    """A frame: a generated message serialised (sometimes spoilt), raw text, or binary."""
    form = draw(st.sampled_from(["valid", "message", "message", "spoilt", "raw", "binary"]))
    if form == "valid":  # so that sessions get past their first frame
        message = draw(
            st.sampled_from(
                [
                    {"type": "ping"},
                    {"type": "subscribe", "events": ["challenge.*"]},
                    {"type": "unsubscribe", "events": ["challenge.*", "review.created"]},
                ]
            )
        )
        message.update(draw(st.dictionaries(odd_text, json_values, max_size=2)))
        return json.dumps(message, ensure_ascii=True)
    if form == "binary":
        return draw(st.binary(max_size=64) | st.just(b'{"type": "ping"}'))
    if form == "raw":
        return draw(st.text(any_char, max_size=64))
    message = draw(messages(live_key))
    if draw(st.booleans()):
        message["pad"] = draw(overlong_text)
    text = json.dumps(message, ensure_ascii=draw(st.booleans()))
    if form == "spoilt":
        depth = draw(st.sampled_from([2, 32, 33, 1000, 5000, MAX_MESSAGE_BYTES // 2]))
        spoil = draw(
            st.sampled_from(["nest", "nest_value", "constant", "nul", "surrogate", "truncate"])
        )
        if spoil == "nest":
            text = "[" * depth + text + "]" * depth
        elif spoil == "nest_value":
            text = text[:-1] + ', "deep": ' + "[" * depth + "]" * depth + "}"
        elif spoil == "constant":
            text = text[:-1] + ', "n": ' + draw(st.sampled_from(["NaN", "Infinity", "-Infinity"]))
            text += "}"
        elif spoil in ("nul", "surrogate"):
            escape = "\\u0000" if spoil == "nul" else draw(st.sampled_from(["\\ud800", "\\udfff"]))
            text = text[:-1] + ', "s' + escape + '": "' + escape + '"}'
        else:
            text = text[: draw(st.integers(0, max(0, len(text) - 1)))]
    return text


@st.composite
def sessions(draw, live_key: str) -> dict:
    return {
        "host": draw(st.sampled_from(["alpha.localhost", "api.localhost"])),
        "auth": draw(st.sampled_from(["header", "message", "none"])),
        "frames": draw(st.lists(frames(live_key), min_size=1, max_size=4)),
    }


# --- the client -------------------------------------------------------------------------------


def _reply(ws, expected_types=REPLY_TYPES) -> dict:
    """The next message that is not a heartbeat, within REPLY_SECONDS."""
    deadline = time.monotonic() + REPLY_SECONDS
    while True:
        try:
            raw = ws.recv(timeout=max(0.01, deadline - time.monotonic()))
        except TimeoutError:
            pytest.fail(f"no answer within {REPLY_SECONDS} s")
        except ConnectionClosed as closed:
            pytest.fail(f"closed without an error message first (close frame: {closed.rcvd})")
        assert isinstance(raw, str), f"a binary frame from the server: {raw!r}"
        message = json.loads(raw)
        assert isinstance(message, dict) and isinstance(message.get("type"), str), message
        if message["type"] != "heartbeat":
            assert message["type"] in expected_types, message
            return message


def _assert_error_then_close(ws, error: dict) -> int:
    """The close code that followed ``error``."""
    assert isinstance(error.get("code"), str) and error["code"], error
    assert isinstance(error.get("detail"), str) and error["detail"], error
    try:
        extra = ws.recv(timeout=REPLY_SECONDS)
    except ConnectionClosed as closed:
        assert closed.rcvd is not None, f"dropped without a close frame after {error}"
        assert closed.rcvd.code in CLIENT_CLOSE_CODES, (closed.rcvd, error)
        return closed.rcvd.code
    except TimeoutError:
        pytest.fail(f"not closed within {REPLY_SECONDS} s after {error}")
    else:
        pytest.fail(f"{extra!r} after the error {error}")


def _run_session(port: int, session: dict, live_key: str) -> list[str | int]:
    """Play one session; the types of the answers in order, and the close code if closed."""
    headers = {"Authorization": f"Bearer {live_key}"} if session["auth"] == "header" else None
    frames_to_send = list(session["frames"])
    if session["auth"] == "message":
        frames_to_send.insert(0, json.dumps({"type": "auth", "key": live_key}))
    answers = []
    with connect(
        f"ws://{session['host']}:{port}/v1/ws",
        sock=socket.create_connection(("127.0.0.1", port)),
        additional_headers=headers,
        open_timeout=REPLY_SECONDS,
        max_size=2**20,
    ) as ws:
        if session["auth"] == "header":
            answers.append(_reply(ws)["type"])
            assert answers == ["welcome"], answers
        for frame in frames_to_send:
            ws.send(frame)
            answer = _reply(ws)
            answers.append(answer["type"])
            if answer["type"] == "error":
                answers.append(_assert_error_then_close(ws, answer))
                break
    return answers


# --- the tests --------------------------------------------------------------------------------


def test_generated_sessions_are_answered_and_closed_cleanly(
    server, _session_tenants, _session_api_keys
):
    from api.gateway import rate_limit_reset

    alpha = _session_tenants[0]
    live_key = _session_api_keys["live"]
    answers_seen: set[str | int] = set()

    @settings(max_examples=EXAMPLES, deadline=None, database=None)
    @given(session=sessions(live_key))
    def one_session(session):
        # Each example is one metered connection: keep the bucket full so that examples test
        # the protocol rather than the rate limit (a 4429 would still be a valid answer).
        rate_limit_reset(organisation_id=alpha.pk)
        answers_seen.update(_run_session(server["port"], session, live_key))

    # when
    started = time.monotonic()
    one_session()
    elapsed = time.monotonic() - started

    # then: the generator reached every kind of answer and both client-side close codes, in
    # bounded time (4403 needs a restricted key, 4429 an empty bucket: test_ws.py has those)
    assert answers_seen == REPLY_TYPES | {4400, 4401}, answers_seen
    assert elapsed < EXAMPLES * 2, elapsed
    # and a normal client still connects, subscribes and receives an event
    rate_limit_reset(organisation_id=alpha.pk)
    with connect(
        f"ws://alpha.localhost:{server['port']}/v1/ws",
        sock=socket.create_connection(("127.0.0.1", server["port"])),
        additional_headers={"Authorization": f"Bearer {live_key}"},
        open_timeout=REPLY_SECONDS,
    ) as ws:
        assert _reply(ws)["type"] == "welcome"
        ws.send(json.dumps({"type": "subscribe", "events": ["challenge.*"]}))
        assert _reply(ws)["type"] == "subscribed"
        stream_publish(schema_name=alpha.schema_name, payload=_event_payload())
        event = _reply(ws, expected_types={"event"})
        assert event["type"] == "event" and event["event"]["id"] == "evt_ws_hostile"
    # and the server met nothing it did not expect
    log = server["log"].read_text()
    assert "Traceback" not in log and " ERROR " not in log, log[-5000:]


def _event_payload() -> dict:
    return {
        "id": "evt_ws_hostile",
        "object": "event",
        "type": "challenge.created",
        "created_at": "2026-12-01T00:00:00Z",
        "livemode": True,
        "data": {"object": {"id": "chl_ws_hostile"}},
    }
