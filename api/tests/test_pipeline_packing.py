"""The gateway's round trip packs its commands itself (``api.gateway.pipeline._packed``) and sends
them on the thread's own redis-py connection: the bytes must be exactly what redis-py would send,
anything redis-py refuses must be refused, a connection Redis dropped between two calls must be
reopened and the batch sent again (as redis-py's pool does at checkout), and nothing that may
have run — a timed-out command — is ever sent twice or leaves its reply to the next exchange."""

import pytest
import redis as redis_py
from django.conf import settings
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from redis.connection import Connection
from redis.exceptions import ConnectionError, DataError, ResponseError, TimeoutError

from api.gateway.pipeline import _entry_packed, _packed, _pipeline_execute, redis_client
from api.testing import free_port
from metering.records import USAGE_STREAM, UsageRecord

RECORD_BASE = {
    "organisation_id": 12,
    "tenant_id": 13,
    "api_key_id": "key_01M8T0AKSBCZR9W3X596C7R2DQ",
    "mode": "live",
    "method": "GET",
    "route": "/v1/me",
    "path": "/v1/me",
    "status": 200,
    "duration_ms": 1.25,
    "request_bytes": 0,
    "response_bytes": 612,
    "timestamp_ms": 1764633600000,
    "request_id": "req_0123456789abcdef0123456789abcdef",
    "is_billable": True,
}

ARGUMENT_FAMILIES = [
    ("PING",),
    ("SET", "k", ""),  # empty text
    ("SET", "k", "ascii value with spaces"),
    ("SET", "k", "é ü ß — 漢字 😀"),  # multi-byte UTF-8: length in bytes, not characters
    ("SET", "k", "line\r\nbreak\x00nul"),  # bytes that would split RESP if it were unframed
    ("INCRBY", "k", 0),
    ("INCRBY", "k", -17),
    ("INCRBY", "k", 2**63 - 1),
    ("INCRBY", "k", 10**30),  # redis-py sends it; Redis refuses it
    ("SET", b"raw-key", b"\xff\xfe raw bytes"),
    ("EVALSHA", "0" * 40, 4, "a", "b", "c", "d", 1, 2, 3, 1, 0, 0, 3456000, -1),
    ("XADD", "stream", "*", *(f"f{index}" for index in range(34))),
]


@pytest.mark.parametrize("arguments", ARGUMENT_FAMILIES, ids=lambda a: str(a[0]) + str(len(a)))
def test_commands_are_packed_exactly_as_redis_py_packs_them(arguments):
    expected = b"".join(Connection().pack_command(*arguments))
    assert _packed(arguments) == expected


@given(  # hypothesis's text() holds no lone surrogate, which neither side can encode
    st.lists(
        st.one_of(st.text(), st.integers(min_value=-(2**70), max_value=2**70)),
        min_size=1,
        max_size=12,
    )
)
@hypothesis_settings(max_examples=300, deadline=None)
def test_any_text_and_integers_are_packed_as_redis_py_packs_them(arguments):
    # (redis-py splits its first argument, the command's name, on spaces: give it a name.)
    expected = b"".join(Connection().pack_command("XADD", *arguments))
    assert _packed(("XADD", *arguments)) == expected


RECORDS = [
    UsageRecord(**RECORD_BASE).to_fields(),
    UsageRecord(
        **{**RECORD_BASE, "path": "/v1/challenges/é?q=漢字", "client_request_id": "ci"}
    ).to_fields(),
    UsageRecord(
        **{
            **RECORD_BASE,
            "status": 400,
            "request_excerpt": '{"a":\n"\x00"}',
            "response_excerpt": "x",
        }
    ).to_fields(),
]


@pytest.mark.parametrize("fields", RECORDS, ids=["ascii", "non-ascii", "excerpts"])
def test_usage_entries_are_packed_as_redis_py_packs_their_xadd(fields):
    flat = [item for pair in fields.items() for item in pair]
    expected = b"".join(Connection().pack_command("XADD", USAGE_STREAM, "*", *flat))
    assert _entry_packed(fields) == expected


@pytest.mark.parametrize("value", [True, 1.5, None, object(), ["list"]])
def test_what_redis_py_refuses_is_refused(value):
    with pytest.raises(DataError):
        _packed(("SET", "k", value))


def test_error_replies_stay_with_their_command_and_the_rest_are_read():
    redis = redis_client()
    redis.delete("oc:test:packing")
    replies = _pipeline_execute(
        redis,
        [
            _packed(("SET", "oc:test:packing", "text")),
            _packed(("INCR", "oc:test:packing")),  # not an integer: an error reply
            _packed(("GET", "oc:test:packing")),
        ],
    )
    assert replies[0] is True or replies[0] == b"OK"
    assert isinstance(replies[1], ResponseError)
    assert replies[2] == b"text"
    # The connection is still in step: the next exchange reads its own replies.
    assert _pipeline_execute(redis, [_packed(("PING",))]) in ([True], [b"PONG"])
    redis.delete("oc:test:packing")


def test_a_connection_redis_dropped_is_reopened_and_the_batch_sent_again():
    redis = redis_client()
    (client_id,) = _pipeline_execute(redis, [_packed(("CLIENT", "ID"))])  # the pooled connection
    killer = redis_py.Redis.from_url(settings.REDIS_URL)
    try:
        assert killer.execute_command("CLIENT", "KILL", "ID", client_id) == 1
    finally:
        killer.close()
    replies = _pipeline_execute(
        redis, [_packed(("SET", "oc:test:packing", "after")), _packed(("GET", "oc:test:packing"))]
    )
    assert replies[1] == b"after"
    (new_id,) = _pipeline_execute(redis, [_packed(("CLIENT", "ID"))])
    assert new_id != client_id  # it really was a new connection
    redis.delete("oc:test:packing")


def test_a_timeout_is_not_sent_again_and_leaves_no_reply_for_the_next_exchange():
    """Redis may have run a command whose reply timed out: sending it again could take a call's
    tokens twice. The late reply must not become the next exchange's either."""
    redis = redis_client()
    redis.delete("oc:test:packing-runs")
    _pipeline_execute(redis, [_packed(("PING",))])  # the thread's connection is open
    busy = (
        "redis.call('INCR', KEYS[1]) local t0 = redis.call('TIME') "
        "repeat local t = redis.call('TIME') "
        "until (t[1] - t0[1]) * 1000000 + (t[2] - t0[2]) > 800000 return 'late'"
    )
    with pytest.raises(TimeoutError):  # the socket timeout is 0.5 s (settings.CACHES)
        _pipeline_execute(redis, [_packed(("EVAL", busy, 1, "oc:test:packing-runs"))])
    assert _pipeline_execute(redis, [_packed(("ECHO", "mine"))]) == [b"mine"]
    assert redis.get("oc:test:packing-runs") == b"1"  # run once, never sent again
    redis.delete("oc:test:packing-runs")


def test_a_connection_opened_for_the_call_is_not_tried_twice():
    unreachable = redis_py.Redis(host="127.0.0.1", port=free_port(), socket_connect_timeout=0.5)
    with pytest.raises(ConnectionError):
        _pipeline_execute(unreachable, [_packed(("PING",))])
