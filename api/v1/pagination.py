"""List pagination for /v1: keyset cursors by default, offsets on request.

A cursor is an opaque token holding the sort key of the last row of a page and the name of the
ordering it belongs to. The next page is ``WHERE (key, id) > (last key, last id) ORDER BY key,
id LIMIT n + 1`` — a row-value comparison PostgreSQL answers with one descent of the matching
``(key, id)`` index — so page 10,000 costs what page 1 costs (bench/api.py measures it). The extra
row tells whether there is more without a COUNT.

``?offset=`` switches to offset paging and adds ``total``: convenient for small collections and
page-numbered UIs, but it scans the skipped rows and counts, so it is capped at ``MAX_OFFSET``.
"""

import base64
import binascii
import json
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import F, Q, QuerySet
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan

from core.errors import DomainError
from core.safejson import json_loads_safe

DEFAULT_LIMIT = 10
MAX_LIMIT = 100
MAX_OFFSET = 10_000


@dataclass(frozen=True)
class SortKey:
    """One sort key. ``expression`` (annotated as ``field``) sorts a nullable column as a
    non-null value — e.g. ``Coalesce(deadline, <far future>)`` — so that the keyset condition is
    one row-value comparison and an expression index on exactly that serves it."""

    field: str
    descending: bool = False
    kind: str = "str"  # how the cursor stores a value: str, int, float, datetime
    expression: Any = None


@dataclass(frozen=True)
class Ordering:
    """An allow-listed ordering: a public name and its sort keys; the last key must be unique.

    Keys sort with PostgreSQL's defaults (no NULLS FIRST/LAST), so a plain or backward scan of
    the matching ``(key, id)`` index yields rows in order and ``LIMIT`` stops it early.
    """

    name: str
    keys: tuple[SortKey, ...]

    def prepare(self, queryset: QuerySet) -> QuerySet:
        annotations = {key.field: key.expression for key in self.keys if key.expression is not None}
        if annotations:
            queryset = queryset.annotate(**annotations)
        return queryset.order_by(
            *(F(key.field).desc() if key.descending else F(key.field).asc() for key in self.keys)
        )


def ordering_by_id(name: str, *, descending: bool) -> Ordering:
    return Ordering(name, (SortKey("id", descending=descending),))


def ordering_by(name: str, field: str, *, descending: bool, kind: str = "str", expression=None):
    return Ordering(
        name,
        (
            SortKey(field, descending=descending, kind=kind, expression=expression),
            SortKey("id", descending=descending),
        ),
    )


@dataclass
class Page:
    items: list
    has_more: bool
    next_cursor: str | None
    total: int | None = None

    def envelope(self, data: list) -> dict:
        body = {"object": "list", "data": data, "has_more": self.has_more}
        body["next_cursor"] = self.next_cursor
        if self.total is not None:
            body["total"] = self.total
        return body


def _encode_value(value, kind: str):
    if value is None:
        return None
    if kind == "datetime":
        return value.isoformat()
    return value


class InvalidCursorError(DomainError):
    """A cursor we did not issue (forged, cut, or of another ordering): 400 ``invalid_cursor``."""

    status = 400
    code = "invalid_cursor"
    title = "Invalid cursor"

    def __init__(self, reason: str):
        super().__init__(
            f"Invalid cursor ({reason}): pass next_cursor exactly as returned, with the same "
            "ordering and filters.",
            errors={"cursor": [f"Invalid cursor: {reason}."]},
        )


# PostgreSQL's bigint: a larger integer in a cursor could only fail in the database.
_BIGINT_MIN, _BIGINT_MAX = -(2**63), 2**63 - 1
# A sort-key value is a timestamp, a number or an id: a longer string is not one of ours.
_MAX_CURSOR_STRING = 200


def _decode_value(value, kind: str):
    """The sort-key value ``value`` of a cursor as the database expects it, or
    InvalidCursorError. Sort keys are never NULL (see SortKey), so neither is a cursor value."""
    if kind == "datetime":
        if not isinstance(value, str) or len(value) > 64:
            raise InvalidCursorError("a timestamp is expected")
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise InvalidCursorError("a timestamp is expected") from None
        # We write UTC only. Other offsets are forged, and some would fail in the database
        # (PostgreSQL refuses offsets beyond ±15:59, which Python accepts).
        if moment.utcoffset() != timedelta(0):
            raise InvalidCursorError("a UTC timestamp is expected")
        return moment
    if kind == "int":
        if type(value) is not int or not _BIGINT_MIN <= value <= _BIGINT_MAX:
            raise InvalidCursorError("an integer is expected")
        return value
    if kind == "float":
        if type(value) not in (int, float) or not math.isfinite(value):
            raise InvalidCursorError("a number is expected")
        return float(value)
    if not isinstance(value, str) or len(value) > _MAX_CURSOR_STRING:
        raise InvalidCursorError("a string is expected")
    return value


def cursor_encode(ordering: Ordering, row) -> str:
    values = [_encode_value(getattr(row, key.field), key.kind) for key in ordering.keys]
    payload = json.dumps({"o": ordering.name, "v": values}, separators=(",", ":"))
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def cursor_decode(ordering: Ordering, cursor: str) -> list:
    """The sort-key values stored in ``cursor``; InvalidCursorError (400) unless it is exactly
    what ``cursor_encode`` gives for ``ordering``. A cursor is client input like any other: it is
    parsed through ``core.safejson`` and every value is checked for kind and range here, so that
    nothing in it can fail later in the database."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        raw = base64.b64decode(padded.encode("ascii"), altchars=b"-_", validate=True)
        payload = json_loads_safe(raw.decode("utf-8"), max_depth=2)
    except (ValueError, UnicodeError, binascii.Error):
        raise InvalidCursorError("not a cursor of this API") from None
    if not isinstance(payload, dict) or set(payload) != {"o", "v"}:
        raise InvalidCursorError("not a cursor of this API")
    if payload["o"] != ordering.name:
        raise InvalidCursorError(f"it belongs to another ordering than {ordering.name!r}")
    values = payload["v"]
    if not isinstance(values, list) or len(values) != len(ordering.keys):
        raise InvalidCursorError("not a cursor of this API")
    return [
        _decode_value(value, key.kind) for value, key in zip(values, ordering.keys, strict=True)
    ]


def _after(ordering: Ordering, values: list) -> Q:
    """Rows strictly after ``values`` in ``ordering``: ``(k1, …, id) > (v1, …, id0)`` (``<`` when
    descending; every key of an ordering runs in the same direction)."""
    compare = TupleLessThan if ordering.keys[0].descending else TupleGreaterThan
    return Q(compare(Tuple(*(F(key.field) for key in ordering.keys)), tuple(values)))


def paginate(
    queryset: QuerySet,
    *,
    ordering: Ordering,
    limit: int,
    cursor: str | None = None,
    offset: int | None = None,
) -> Page:
    """One page of ``queryset`` in ``ordering``: by cursor (default) or by offset."""
    queryset = ordering.prepare(queryset)
    if offset is not None:
        total = queryset.count()
        items = list(queryset[offset : offset + limit])
        return Page(
            items=items, has_more=offset + len(items) < total, next_cursor=None, total=total
        )
    if cursor:
        queryset = queryset.filter(_after(ordering, cursor_decode(ordering, cursor)))
    rows = list(queryset[: limit + 1])
    has_more = len(rows) > limit
    items = rows[:limit]
    next_cursor = cursor_encode(ordering, items[-1]) if has_more else None
    return Page(items=items, has_more=has_more, next_cursor=next_cursor)
