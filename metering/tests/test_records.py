"""No client-controlled value can make a usage record unwritable: generated text and bytes in every
field a client influences (path, route, method, the request ids, the excerpts, the claimed sizes),
through the capture's encoding, the real flush and PostgreSQL.

The strategies produce what hostile traffic sends: every code point including lone surrogates,
C0/C1 controls and bidi/zero-width characters, bytes that are not UTF-8, and values far longer
than their columns.
"""

import time
import urllib.parse
import uuid

import pytest
from django.db.models import Sum
from django_redis import get_redis_connection
from django_tenants.utils import tenant_context
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from metering import records
from metering.models import UsageMinute, UsageQuarantine
from metering.records import (
    BYTES_MAX,
    EXCERPT_MAX_CHARS,
    FIELD_MAX_CHARS,
    MalformedRecordError,
    UsageRecord,
    text_storable,
)
from metering.services import usage_flush
from requestlog.models import RequestLog

# What the capture must never let through: unstorable (NUL, surrogates) or invisible in a log.
UNSAFE = {
    *map(chr, range(0x00, 0x20)), *map(chr, range(0x7F, 0xA0)),
    *map(chr, range(0x200B, 0x2010)), *map(chr, range(0x2028, 0x202F)),
    *map(chr, range(0x2060, 0x206A)), "\ufeff", *map(chr, range(0xD800, 0xE000)),
}  # fmt: skip
EXCERPT_LAYOUT = {"\t", "\n", "\r"}

_nasty_char = st.characters(categories=["Cc", "Cf", "Cs", "Zl", "Zp"]) | st.sampled_from(
    ["\x00", "\x1b", "\x7f", "\x85", "\u202e", "\u2028", "\ud800", "\udcff", "\ufeff", "%", "…"]
)
_any_char = st.characters(exclude_categories=())  # every code point, surrogates included
client_text = st.one_of(
    st.text(_any_char, max_size=80),
    st.text(_nasty_char | _any_char, max_size=80),
    st.binary(max_size=80),  # e.g. a path as raw bytes, not necessarily UTF-8
    # far longer than any column, with something unsafe near every cut
    st.builds(lambda s, n: s * n, st.text(_nasty_char | _any_char, min_size=1, max_size=4),
              st.integers(min_value=100, max_value=3000)),
)  # fmt: skip
client_size = st.integers(min_value=-(2**70), max_value=2**70)
CLIENT_FIELDS = ("method", "route", "path", "request_id", "client_request_id")


def _unsafe_in(text: str, *, is_excerpt: bool = False) -> set[str]:
    return (set(text) & UNSAFE) - (EXCERPT_LAYOUT if is_excerpt else set())


def _bytes_meant(value: str | bytes) -> bytes:
    """The bytes a value stands for: what percent-decoding the escaped text must give back."""
    if isinstance(value, bytes):
        return value
    return b"".join(
        bytes([ord(c) - 0xDC00])
        if 0xDC80 <= ord(c) <= 0xDCFF
        else c.encode("utf-8", "surrogatepass")
        for c in value
    )


# --- the encoding alone


@settings(max_examples=400)
@given(value=client_text, max_chars=st.integers(min_value=1, max_value=600), excerpt=st.booleans())
def test_storable_text_is_safe_bounded_idempotent_and_says_what_it_escaped(
    value, max_chars, excerpt
):
    stored = text_storable(value, max_chars=max_chars, is_excerpt=excerpt)

    assert not _unsafe_in(stored, is_excerpt=excerpt)
    assert len(stored) <= max_chars
    stored.encode("utf-8")  # strict: PostgreSQL takes it
    assert text_storable(stored, max_chars=max_chars, is_excerpt=excerpt) == stored
    text = value.decode("utf-8", "surrogateescape") if isinstance(value, bytes) else value
    escaped = text_storable(value, max_chars=10**9, is_excerpt=excerpt)
    if len(escaped) <= max_chars:
        assert stored == escaped  # nothing is dropped silently: cut only when too long
    if "%" not in text and len(escaped) <= max_chars:
        # Visible and faithful: percent-decoding gives back exactly the bytes that came in.
        assert urllib.parse.unquote_to_bytes(stored) == _bytes_meant(value)


def test_storable_text_examples():
    assert text_storable("/v1/challenges/\x00", max_chars=500) == "/v1/challenges/%00"
    assert text_storable("a\x85b\u202ec", max_chars=500) == "a%C2%85b%E2%80%AEc"
    assert text_storable("\ud800", max_chars=500) == "%ED%A0%80"
    assert text_storable(b"/v1/\xff", max_chars=500) == "/v1/%FF"
    assert text_storable("line\nnext\x00", max_chars=500, is_excerpt=True) == "line\nnext%00"
    assert text_storable("x" * 600, max_chars=500) == "x" * 499 + "…"
    # a cut never leaves half an escape
    assert text_storable("x" * 497 + "\x00", max_chars=500) == "x" * 497 + "%00"
    assert text_storable("x" * 498 + "\x00", max_chars=500) == "x" * 498 + "…"


def _record(**client) -> UsageRecord:
    values = dict(
        organisation_id=1, tenant_id=1, api_key_id="key_x", mode="live", method="GET",
        route="/v1/me", path="/v1/me", status=200, duration_ms=1.0, request_bytes=0,
        response_bytes=0, timestamp_ms=int(time.time() * 1000),
        request_id=f"req_{uuid.uuid4().hex}", is_billable=True,
    )  # fmt: skip
    values.update(client)
    return UsageRecord(**values)


client_record_values = st.fixed_dictionaries(
    {name: client_text for name in CLIENT_FIELDS}
    | {"request_excerpt": client_text, "response_excerpt": client_text}
    | {"request_bytes": client_size, "response_bytes": client_size}
)


@settings(max_examples=300)
@given(values=client_record_values)
def test_whatever_the_capture_writes_the_strict_reader_accepts(values):
    fields = _record(**values).to_fields()

    record = UsageRecord.from_fields({k.encode(): v.encode() for k, v in fields.items()})

    assert record.to_fields() == fields  # a fixed point: nothing left to escape, cut or clamp
    assert 0 <= record.request_bytes <= BYTES_MAX and 0 <= record.response_bytes <= BYTES_MAX


@pytest.mark.parametrize(
    "change",
    [
        {"p": "/v1/\x00"},
        {"me": "GET\r\nX"},
        {"id": "req_" + "x" * 200},
        {"s": "2OO"},
        {"s": "٢٠٠"},  # Arabic-Indic digits: int() would take them
        {"bi": "-1"},
        {"ts": "99999999999999999999"},
        {"d": "nan"},
        {"m": "prod"},
        {"b": "yes"},
        {"o": "0"},
    ],
)
def test_the_reader_refuses_what_the_capture_never_writes(change):
    fields = _record().to_fields() | change

    with pytest.raises(MalformedRecordError):
        UsageRecord.from_fields(fields)


def test_the_reader_refuses_missing_fields_and_invalid_utf8():
    fields = _record().to_fields()
    with pytest.raises(MalformedRecordError, match="'ts' is missing"):
        UsageRecord.from_fields({k: v for k, v in fields.items() if k != "ts"})
    with pytest.raises(MalformedRecordError, match="not UTF-8"):
        UsageRecord.from_fields({**fields, "p": b"/v1/\xff"})


def test_repair_escapes_text_and_stays_strict_about_numbers():
    fields = _record().to_fields() | {"p": "/v1/\x00"}

    assert UsageRecord.from_fields(fields, repair=True).path == "/v1/%00"
    with pytest.raises(MalformedRecordError):
        UsageRecord.from_fields(fields | {"s": "x"}, repair=True)


# --- through the real flush into PostgreSQL


@pytest.mark.django_db
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(values=client_record_values)
def test_no_client_value_makes_a_record_unwritable(tenant, values):
    # given: a record of alpha whose client-influenced fields are generated
    stream = f"test:usage:{uuid.uuid4().hex}"
    redis = get_redis_connection("default")
    key_id = f"key_{uuid.uuid4().hex[:12]}"
    # Our request id is unique per call (core.middleware); generated text follows the prefix.
    request_id = f"req_{uuid.uuid4().hex}{_text(values['request_id'])}"
    record = _record(**values, organisation_id=tenant.pk, tenant_id=tenant.pk, api_key_id=key_id)
    record = UsageRecord(**{**record.__dict__, "request_id": request_id})
    redis.xadd(stream, record.to_fields())

    try:
        # when
        result = usage_flush(stream=stream)
    finally:
        redis.delete(stream)

    # then: folded, not quarantined; stored escaped, never dropped
    assert (result.records, result.quarantined) == (1, 0)
    assert not UsageQuarantine.objects.filter(stream=stream).exists()
    ledger = UsageMinute.objects.filter(api_key_id=key_id)
    assert ledger.aggregate(n=Sum("calls"))["n"] == 1
    with tenant_context(tenant):
        log = RequestLog.objects.get(api_key_id=key_id)
    for name in CLIENT_FIELDS:
        stored = getattr(log, name)
        assert stored == text_storable(getattr(record, name), max_chars=FIELD_MAX_CHARS[name])
        assert not _unsafe_in(stored)
    assert ledger.get().route == log.route and ledger.get().method == log.method
    for name in ("request_excerpt", "response_excerpt"):
        stored = getattr(log, name)
        expected = text_storable(
            getattr(record, name), max_chars=EXCERPT_MAX_CHARS, is_excerpt=True
        )
        assert stored == expected and not _unsafe_in(stored, is_excerpt=True)
    assert log.request_bytes == min(max(values["request_bytes"], 0), BYTES_MAX)
    assert log.response_bytes == min(max(values["response_bytes"], 0), BYTES_MAX)
    if isinstance(values["path"], str) and "\x00" in values["path"][:50]:
        assert "%00" in log.path  # visible, not silently dropped


def _text(value) -> str:
    return value.decode("utf-8", "surrogateescape") if isinstance(value, bytes) else value


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(
    value=st.text(alphabet=st.characters(max_codepoint=0x7F), max_size=60),
    max_chars=st.integers(min_value=2, max_value=80),
    is_excerpt=st.booleans(),
)
def test_the_printable_ascii_shortcut_answers_as_the_escaping_does(value, max_chars, is_excerpt):
    """ASCII text skips the escaping when it is printable and fits: the answer must be the one
    the escaping and the cut give, for every ASCII character (controls and DEL included)."""
    unsafe = records._UNSAFE_IN_EXCERPT if is_excerpt else records._UNSAFE_IN_FIELD
    expected = records._cut(unsafe.sub(records._percent_encoded, value), max_chars)
    assert records.text_storable(value, max_chars=max_chars, is_excerpt=is_excerpt) == expected
