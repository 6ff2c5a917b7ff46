"""Hypothesis strategies for hostile input: what an attacker (or an unlucky client) sends.

The building blocks of the hostile-input tests (``api/v1/tests/test_hostile.py``,
``test_cursors.py``, ``api/tests/test_bodies.py``): text full of control characters (every C0,
DEL and every C1), unpaired surrogates, NUL, overlong strings and deep nesting, encoded the way
each carrier allows —

- ``hostile_text()``: Python strings (JSON values and keys, decoded parameters);
- ``hostile_url_component()``: percent-encoded bytes for a path segment or a query value
  (``%00``, ``%ED%A0%80`` — a surrogate in UTF-8 — bare ``%``, overlong, ``/``, ``..``);
- ``hostile_header_value()``: what an HTTP/1.1 server delivers in a header (any Latin-1
  character but NUL, CR and LF, which uvicorn's h11 and gunicorn refuse);
- ``hostile_json_body()``: request bodies as bytes — documents with hostile strings in keys and
  values, nesting up to far beyond any limit, ``NaN``/``Infinity``, invalid UTF-8, cut-off JSON;
- ``forged_cursor()``: cursors built the way ``api.v1.pagination.cursor_encode`` builds them
  (URL-safe base64 of ``{"o": ordering, "v": [values]}``) with hostile orderings and values,
  plus random bytes and truncated base64.
"""

import base64
import json
from datetime import UTC
from urllib.parse import quote

from hypothesis import strategies as st

C0 = [chr(code) for code in range(0x00, 0x20)]
C1 = [chr(code) for code in range(0x80, 0xA0)]
CONTROL_CHARACTERS = [*C0, "\x7f", *C1]
LONE_SURROGATES = ["\ud800", "\udbff", "\udc00", "\udfff"]
# Characters with a meaning somewhere on the way: separators, escapes, format characters.
AWKWARD = ["%", "/", "\\", "?", "#", "&", "=", ";", ",", "[", "]", "{", "}", '"', "'", " ", "+"]
AWKWARD += ["\u2028", "\u2029", "\ufeff", "\u202e", "\ufffd", "\U0001f600", "ÿ", "é"]
OVERLONG_LENGTHS = (256, 1_001, 10_001, 100_001)
# A request line longer than ~16 KB never reaches the application (h11 and gunicorn refuse it).
OVERLONG_URL_LENGTHS = (256, 1_001, 4_001)

_hostile_character = st.one_of(
    st.sampled_from(CONTROL_CHARACTERS),
    st.sampled_from(LONE_SURROGATES),
    st.sampled_from(AWKWARD),
    st.characters(codec="utf-8"),
)


def hostile_text(
    *,
    max_size: int = 40,
    allow_surrogates: bool = True,
    overlong_lengths: tuple[int, ...] = OVERLONG_LENGTHS,
) -> st.SearchStrategy[str]:
    """Short strings dense in control characters, surrogates and separators, and overlong ones."""
    character = _hostile_character
    if not allow_surrogates:
        character = character.filter(lambda c: not "\ud800" <= c <= "\udfff")
    short = st.text(character, max_size=max_size)
    overlong = st.builds(
        lambda unit, length: (unit * length)[:length],
        st.text(character, min_size=1, max_size=3),
        st.sampled_from(overlong_lengths),
    )
    return st.one_of(short, short, short, overlong)


def _percent_encoded(text: str) -> str:
    # Surrogates become the bytes a client would send for them (invalid UTF-8: ED A0 80).
    return quote(text.encode("utf-8", "surrogatepass"), safe="")


def hostile_url_component() -> st.SearchStrategy[str]:
    """A percent-encoded path segment or query value (already encoded: send it as is)."""
    raw_bytes = st.binary(max_size=40).map(lambda data: quote(data, safe=""))
    deep = st.integers(min_value=100, max_value=1_300).map(lambda n: "%5B" * n)
    return st.one_of(
        hostile_text(overlong_lengths=OVERLONG_URL_LENGTHS).map(_percent_encoded),
        raw_bytes,
        st.sampled_from(["%00", "%ED%A0%80", "%", "%zz", "%C0%AF", "..", "%2e%2e", "%2F", "~"]),
        deep,
    )


# What uvicorn's h11 and gunicorn refuse in a header value before the application sees it.
SERVER_REFUSED_IN_HEADERS = "\x00\r\n"


def hostile_header_value() -> st.SearchStrategy[str]:
    """A header value an HTTP/1.1 server passes on: Latin-1, every control but NUL, CR, LF."""
    latin1 = st.characters(
        min_codepoint=0, max_codepoint=0xFF, exclude_characters=SERVER_REFUSED_IN_HEADERS
    )
    controls = [c for c in CONTROL_CHARACTERS if c not in SERVER_REFUSED_IN_HEADERS]
    return st.one_of(
        st.text(latin1, max_size=60),
        st.text(st.sampled_from(controls), max_size=8),
        st.sampled_from([8_193, 65_537]).map(lambda length: "a" * length),
        st.sampled_from(["-1", "1e3", "²", "0x10", " 5", "99999999999999999999", "Bearer"]),
    )


def _nested(depth: int, *, innermost: str = "1", as_object: bool = True) -> str:
    if as_object:
        return '{"a":' * depth + innermost + "}" * depth
    return "[" * depth + innermost + "]" * depth


hostile_json_value = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**80), max_value=2**80),
        st.floats(allow_nan=False, allow_infinity=False),
        hostile_text(),
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(hostile_text(max_size=12), children, max_size=4),
    ),
    max_leaves=12,
)


def _json_text(value) -> str:
    # ensure_ascii: surrogates and controls travel as \\u escapes, as a JSON client sends them.
    return json.dumps(value)


def hostile_json_document() -> st.SearchStrategy[str]:
    """JSON text: hostile values, deep nesting (to far past any limit), the non-standard
    constants, and documents placed where a body's fields would be."""
    deep = st.builds(
        _nested,
        st.one_of(st.integers(min_value=30, max_value=1_200), st.sampled_from([10_000, 100_000])),
        as_object=st.booleans(),
    )
    constants = st.sampled_from(["NaN", "Infinity", "-Infinity", '{"a": NaN}', "[Infinity]"])
    in_metadata = st.builds(
        lambda key, value: _json_text({"title": "Hostile", "metadata": {key: value}}),
        hostile_text(max_size=12),
        hostile_text(),
    )
    return st.one_of(hostile_json_value.map(_json_text), deep, constants, in_metadata)


def hostile_json_body() -> st.SearchStrategy[bytes]:
    """A request body as bytes: hostile JSON, or bytes that are not (valid UTF-8) JSON."""
    document = hostile_json_document().map(lambda text: text.encode("utf-8"))
    return st.one_of(
        document,
        document,
        document.map(lambda data: data[: len(data) // 2]),  # cut off
        st.binary(max_size=64),
        st.just(b"\xff\xfe{}"),
    )


def _cursor(payload) -> str:
    text = json.dumps(payload, separators=(",", ":"))  # NaN/Infinity come out as such
    data = text.encode("utf-8", "surrogatepass")
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


# Timestamps with offsets inside and outside what Python and PostgreSQL accept.
_cursor_timestamp = st.one_of(
    st.builds(
        "{:04d}-{:02d}-{:02d}T00:00:00{}{:02d}:{:02d}".format,
        st.sampled_from([1, 2, 1970, 2026, 9999]),
        st.integers(min_value=1, max_value=12),
        st.integers(min_value=1, max_value=28),
        st.sampled_from(["+", "-"]),
        st.integers(min_value=0, max_value=30),
        st.integers(min_value=0, max_value=59),
    ),
    st.sampled_from(["2026-01-01T00:00:00", "2026-13-01T00:00:00Z", "9999-12-31T23:59:59-15:59"]),
)
# Values that fail somewhere if a decoder lets them through: in PostgreSQL (NUL, surrogates,
# offsets, beyond bigint) or in Python (infinities into int(), digits beyond int's limit).
_cursor_value_unstorable = st.one_of(
    st.sampled_from(["\x00", "chl_\x00", "\ud800", "chl_\udfff", "\ud800\x00"]),
    st.sampled_from([float("inf"), float("-inf"), float("nan"), 1e308, -1e308]),
    st.sampled_from([2**63, -(2**63) - 1, 10**30, -(10**30)]),
    _cursor_timestamp,
)
_cursor_value = st.one_of(
    _cursor_value_unstorable,
    hostile_text(max_size=30),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(),  # NaN, ±Infinity included
    st.none(),
    st.booleans(),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


_valid_cursor_value = {
    "datetime": st.datetimes(timezones=st.just(UTC)).map(lambda moment: moment.isoformat()),
    "int": st.integers(min_value=-(2**63), max_value=2**63 - 1),
    "float": st.floats(allow_nan=False, allow_infinity=False),
    "str": st.text(st.characters(codec="ascii"), max_size=30),
}


def forged_cursor(orderings: dict[str, tuple[str, ...]]) -> st.SearchStrategy[str]:
    """Cursors that ``cursor_decode`` must refuse (or, by chance, accept as valid) — never
    anything that fails later. ``orderings``: the kinds of the sort keys of each ordering name
    (``SortKey.kind``), so that most forged cursors have the right shape — an ordering's name and
    one value per key, some of the right kind, some hostile — and reach the checks of values."""

    def shaped(name: str) -> st.SearchStrategy[str]:
        values = st.tuples(
            *(
                st.one_of(_valid_cursor_value[kind], _cursor_value_unstorable, _cursor_value)
                for kind in orderings[name]
            )
        )
        return values.map(lambda drawn: _cursor({"o": name, "v": list(drawn)}))

    names = st.sampled_from(sorted(orderings))
    ordering = st.one_of(names, hostile_text(max_size=20))
    any_shape = st.builds(
        lambda name, values: _cursor({"o": name, "v": values}),
        ordering,
        st.lists(_cursor_value, min_size=0, max_size=3),
    )
    odd_shapes = st.builds(
        _cursor,
        st.one_of(
            hostile_json_value,
            st.builds(lambda name: {"o": name}, ordering),
            st.builds(lambda values: {"v": values}, st.lists(_cursor_value, max_size=2)),
            st.builds(
                lambda name, values, extra: {"o": name, "v": values, "x": extra},
                ordering,
                st.lists(_cursor_value, max_size=2),
                _cursor_value,
            ),
        ),
    )
    right_shape = names.flatmap(shaped)
    return st.one_of(
        right_shape,
        right_shape,
        right_shape,
        any_shape,
        odd_shapes,
        right_shape.map(lambda cursor: cursor[: max(1, len(cursor) - 1 - len(cursor) // 3)]),
        st.binary(max_size=80).map(lambda data: base64.urlsafe_b64encode(data).decode()),
        st.text(st.characters(codec="ascii"), max_size=40),
    )
