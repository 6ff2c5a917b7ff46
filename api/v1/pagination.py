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
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import F, Q, QuerySet
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan
from rest_framework.exceptions import ValidationError

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


def _decode_value(value, kind: str):
    if value is None:
        return None
    if kind == "datetime":
        return datetime.fromisoformat(value)
    if kind == "int":
        return int(value)
    if kind == "float":
        return float(value)
    if not isinstance(value, str):
        raise TypeError("expected a string")
    return value


def cursor_encode(ordering: Ordering, row) -> str:
    values = [_encode_value(getattr(row, key.field), key.kind) for key in ordering.keys]
    payload = json.dumps({"o": ordering.name, "v": values}, separators=(",", ":"))
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def cursor_decode(ordering: Ordering, cursor: str) -> list:
    """The sort-key values stored in ``cursor``; 400 if it is not one of ours or belongs to
    another ordering."""
    invalid = ValidationError({"cursor": ["Invalid cursor: pass next_cursor as returned."]})
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        payload = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        if payload["o"] != ordering.name or len(payload["v"]) != len(ordering.keys):
            raise invalid
        return [
            _decode_value(value, key.kind)
            for value, key in zip(payload["v"], ordering.keys, strict=True)
        ]
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeError):
        raise invalid from None


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
