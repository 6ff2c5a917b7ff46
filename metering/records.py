"""The usage record: one per API call, and its encoding in the Redis buffer (a stream).

The API gateway (``api.gateway.usage_record``) appends records to ``USAGE_STREAM``; the flush
(``metering.services.usage_flush``) reads them back in order and folds them into PostgreSQL. The
stream entry id, assigned by Redis, orders records and is the flush's exactly-once watermark.

Storable by construction. A record carries text the client chose (the path, the method, its own
request id, body excerpts), and one value PostgreSQL refuses — a NUL, a lone surrogate, a string
longer than its column, a number beyond its column — used to fail the whole flush, for every
tenant. So ``UsageRecord.to_fields`` (the capture) writes only what the ledger and the request log
can store:

- characters that PostgreSQL cannot store or that would be invisible or misleading in a log line
  (C0 and C1 controls, DEL, lone surrogates, bytes that were not UTF-8, zero-width, line-separator
  and bidirectional-override characters) are percent-encoded, byte by byte, as their UTF-8
  (``\\x00`` → ``%00``, ``\\x85`` → ``%C2%85``, ``\\ud800`` → ``%ED%A0%80``; a byte that was not
  UTF-8 → its own ``%XX``). Tab, line feed and carriage return stay as they are in excerpts only.
  ``%`` itself is not escaped, so the encoding is idempotent (encoding twice changes nothing) at
  the cost of one ambiguity: a logged ``%00`` is a NUL or a literal ``%00`` (``%2500`` on the wire);
- text is cut to its column's size, ending in ``…`` when it was cut (never inside an escape);
- numbers are clamped to their column's range (a claimed ``Content-Length`` of 10**20 is stored as
  the request log's maximum).

``UsageRecord.from_fields`` is strict: it refuses (``MalformedRecordError``) an entry that the
capture would not have written — a missing field, a number that is not one, text the capture
would have escaped — so such an entry is quarantined by the flush, visibly, instead of being
guessed at. ``repair=True`` (the quarantine replay) applies the capture's escaping instead.
"""

import json
import math
import re
from dataclasses import dataclass

USAGE_STREAM = "oc:usage:stream"
# Failed calls keep excerpts of the request and response for the error log, cut to this size.
EXCERPT_MAX_CHARS = 2000
# Column sizes of the ledger (metering.models.UsageMinute) and the request log
# (requestlog.models.RequestLog); a stored value never exceeds them.
FIELD_MAX_CHARS = {
    "api_key_id": 40,
    "mode": 4,
    "method": 10,
    "route": 200,
    "path": 500,
    "request_id": 128,
    "client_request_id": 128,
}
STATUS_MAX = 32_767  # PositiveSmallIntegerField
BYTES_MAX = 2_147_483_647  # PositiveIntegerField (the request log's sizes)
DURATION_MS_MAX = 10**12  # 31 years: any finite duration fits the strict decimal parser
TIMESTAMP_MS_MAX = 253_402_300_799_999  # 9999-12-31T23:59:59.999Z, the last datetime Python has
MODES = ("live", "test")

TRUNCATED_MARK = "…"
# Identifiers, paths, routes and methods: every control character and the invisible or
# misleading ones (zero-width U+200B–U+200F, line/paragraph separators U+2028/U+2029, bidi
# embeddings and overrides U+202A–U+202E, word joiner and bidi isolates U+2060–U+2069, BOM).
_UNSAFE_IN_FIELD = re.compile(
    "[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ud800-\udfff]"
)
# Excerpts are bodies: they keep their tab, line feed and carriage return.
_UNSAFE_IN_EXCERPT = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff"
    "\ud800-\udfff]"
)
_INTEGER = re.compile(r"-?[0-9]{1,20}")
_DECIMAL = re.compile(r"-?[0-9]{1,20}(?:\.[0-9]{1,20})?")


class MalformedRecordError(ValueError):
    """A stream entry that ``UsageRecord.to_fields`` would never have written."""


def _percent_encoded(match: re.Match) -> str:
    char = match.group()
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:
        # A byte that was not UTF-8, as bytes.decode(..., "surrogateescape") represents it.
        data = bytes([code - 0xDC00])
    else:
        data = char.encode("utf-8", "surrogatepass")
    return "".join(f"%{byte:02X}" for byte in data)


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).decode("utf-8", "surrogateescape")
    return value if isinstance(value, str) else str(value)


def _cut(text: str, max_chars: int) -> str:
    if len(text) <= max_chars:
        return text
    cut = text[: max_chars - len(TRUNCATED_MARK)]
    # Never end inside an escape ("%", "%0"): drop the partial one.
    partial = cut.rfind("%", len(cut) - 2)
    if partial != -1:
        cut = cut[:partial]
    return cut + TRUNCATED_MARK


def text_storable(value, *, max_chars: int, is_excerpt: bool = False) -> str:
    """``value`` (text, bytes or anything else) as text PostgreSQL stores and a log shows
    faithfully: unsafe characters percent-encoded, at most ``max_chars`` long (see module).
    Never raises; idempotent."""
    if type(value) is str and value.isascii() and value.isprintable() and len(value) <= max_chars:
        # What nearly every call carries (ids, methods, routes, paths): printable ASCII holds no
        # unsafe character in either set (those are controls and DEL there), and fits.
        return value
    unsafe = _UNSAFE_IN_EXCERPT if is_excerpt else _UNSAFE_IN_FIELD
    return _cut(unsafe.sub(_percent_encoded, _as_text(value)), max_chars)


def _int_clamped(value, low: int, high: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        return low
    return min(max(number, low), high)


@dataclass(frozen=True)
class UsageRecord:
    organisation_id: int  # the live tenant row: owner of the plan and the bill
    tenant_id: int  # the row whose schema served the call (the sandbox row for test keys)
    api_key_id: str
    mode: str  # "live" or "test"
    method: str
    route: str  # the route template (``/v1/challenges/{id}``), never the raw path
    path: str
    status: int
    duration_ms: float
    request_bytes: int
    response_bytes: int
    timestamp_ms: int
    request_id: str  # ours (core.middleware), unique per call: the request log's key
    is_billable: bool
    request_excerpt: str = ""
    response_excerpt: str = ""
    client_request_id: str = ""  # the caller's X-Request-Id, when it sent a sane one

    def to_fields(self) -> dict[str, str]:
        """The stream entry: only values the ledger and the request log can store (see module).
        Never raises on what a client could have chosen."""

        def text(name: str) -> str:
            return text_storable(getattr(self, name), max_chars=FIELD_MAX_CHARS[name])

        try:
            duration_ms = min(max(float(self.duration_ms), 0.0), DURATION_MS_MAX)
        except (TypeError, ValueError):
            duration_ms = 0.0
        fields = {
            "o": str(int(self.organisation_id)),
            "t": str(int(self.tenant_id)),
            "k": text("api_key_id"),
            "m": text("mode"),
            "me": text("method"),
            "r": text("route"),
            "p": text("path"),
            "s": str(_int_clamped(self.status, 0, STATUS_MAX)),
            "d": f"{duration_ms if math.isfinite(duration_ms) else 0.0:.3f}",
            "bi": str(_int_clamped(self.request_bytes, 0, BYTES_MAX)),
            "bo": str(_int_clamped(self.response_bytes, 0, BYTES_MAX)),
            "ts": str(_int_clamped(self.timestamp_ms, 0, TIMESTAMP_MS_MAX)),
            "id": text("request_id"),
            "b": "1" if self.is_billable else "0",
        }
        client_request_id = text("client_request_id")
        if client_request_id:
            fields["ci"] = client_request_id
        for key, name in (("rq", "request_excerpt"), ("rs", "response_excerpt")):
            excerpt = text_storable(
                getattr(self, name), max_chars=EXCERPT_MAX_CHARS, is_excerpt=True
            )
            if excerpt:
                fields[key] = excerpt
        return fields

    @classmethod
    def from_fields(cls, fields: dict, *, repair: bool = False) -> "UsageRecord":
        """The record of a stream entry, or ``MalformedRecordError`` when the entry is not one
        ``to_fields`` writes. ``repair``: escape and cut text as the capture does instead of
        refusing it (numbers and required fields stay strict)."""
        try:
            f = {_decoded(k): _decoded(v) for k, v in fields.items()}
        except UnicodeDecodeError as exc:
            raise MalformedRecordError(f"a field is not UTF-8 ({exc.reason})") from None

        def required(key: str) -> str:
            if key not in f:
                raise MalformedRecordError(f"field {key!r} is missing")
            return f[key]

        def integer(key: str, low: int, high: int) -> int:
            value = required(key)
            if not _INTEGER.fullmatch(value) or not low <= int(value) <= high:
                raise MalformedRecordError(f"field {key!r} is not an integer in [{low}, {high}]")
            return int(value)

        def text(key: str, name: str, *, default: str | None = None) -> str:
            value = f.get(key, default) if default is not None else required(key)
            storable = text_storable(value, max_chars=FIELD_MAX_CHARS[name])
            if storable != value and not repair:
                raise MalformedRecordError(f"field {key!r} holds text the capture would escape")
            return storable

        def excerpt(key: str) -> str:
            value = f.get(key, "")
            storable = text_storable(value, max_chars=EXCERPT_MAX_CHARS, is_excerpt=True)
            if storable != value and not repair:
                raise MalformedRecordError(f"field {key!r} holds text the capture would escape")
            return storable

        duration = required("d")
        if not _DECIMAL.fullmatch(duration):
            raise MalformedRecordError("field 'd' is not a decimal number")
        mode = text("m", "mode")
        if mode not in MODES:
            raise MalformedRecordError(f"field 'm' is not one of {MODES}")
        billable = required("b")
        if billable not in ("0", "1"):
            raise MalformedRecordError("field 'b' is not 0 or 1")
        return cls(
            organisation_id=integer("o", 1, 2**63 - 1),
            tenant_id=integer("t", 1, 2**63 - 1),
            api_key_id=text("k", "api_key_id"),
            mode=mode,
            method=text("me", "method"),
            route=text("r", "route"),
            path=text("p", "path", default=""),
            status=integer("s", 0, STATUS_MAX),
            duration_ms=float(duration),
            request_bytes=integer("bi", 0, BYTES_MAX),
            response_bytes=integer("bo", 0, BYTES_MAX),
            timestamp_ms=integer("ts", 0, TIMESTAMP_MS_MAX),
            request_id=text("id", "request_id"),
            is_billable=billable == "1",
            request_excerpt=excerpt("rq"),
            response_excerpt=excerpt("rs"),
            client_request_id=text("ci", "client_request_id", default=""),
        )


def _decoded(value) -> str:
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).decode("utf-8")
    if not isinstance(value, str):
        raise MalformedRecordError(f"a field is a {type(value).__name__}, not text")
    return value


def entry_fields_encode(fields: dict) -> str:
    """The raw fields of a stream entry as JSON text that PostgreSQL stores and that decodes back
    to the very same bytes (``entry_fields_decode``), as the quarantine keeps them: bytes are read
    with ``surrogateescape`` and every non-ASCII character, NUL included, is a JSON escape."""
    return json.dumps({_as_text(k): _as_text(v) for k, v in fields.items()}, ensure_ascii=True)


def entry_fields_decode(raw_fields: str) -> dict[bytes, bytes]:
    return {
        k.encode("utf-8", "surrogateescape"): v.encode("utf-8", "surrogateescape")
        for k, v in json.loads(raw_fields).items()
    }
