"""Relay connections over the REST keyset cursors.

``first``/``after`` page forward and ``last``/``before`` backward through the same allow-listed
orderings and the same cursor tokens as REST (``api.v1.pagination``): an edge's ``cursor`` is what
REST would put in ``next_cursor`` after that row, and each page is one keyset query
(``WHERE (key, id) < (…) ORDER BY key, id LIMIT n + 1``) whatever its depth. Page sizes are
1-100 (``MAX_LIMIT``), default 10. ``hasPreviousPage`` (forward) and ``hasNextPage`` (backward)
say whether a cursor was given rather than costing another query.

Nested connections (a challenge's ``applications``, an application's ``messages``) are loaded
for every parent of the page at once: ``RowGroup`` holds the rows of one page (or one nested
batch), and the first parent that resolves a nested connection loads it for all of them with one
prefetch query — a window-function slice per parent (Django's sliced ``Prefetch``) of the
selector's queryset in the connection's ordering — so a page of challenges with their
applications and those applications' messages is three SQL queries, not 1 + n + n·m.
``totalCount`` is counted on top-level lists only (null inside nested connections, where it would
cost a count per parent).
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from django.db.models import Prefetch, QuerySet, prefetch_related_objects

from api.graphql.errors import GraphQLRequestError
from api.v1.pagination import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    Ordering,
    _after,
    cursor_decode,
    cursor_encode,
    paginate,
)


class PageArgumentsError(GraphQLRequestError):
    code = "validation_error"


@dataclass(frozen=True)
class PageArguments:
    first: int | None = None
    after: str | None = None
    last: int | None = None
    before: str | None = None

    @property
    def is_backward(self) -> bool:
        return self.last is not None or self.before is not None

    @property
    def limit(self) -> int:
        value = self.last if self.is_backward else self.first
        return DEFAULT_LIMIT if value is None else value

    def check(self) -> "PageArguments":
        """400 ``validation_error`` for sizes outside 1-100 or forward and backward mixed."""
        errors = {}
        for name in ("first", "last"):
            value = getattr(self, name)
            if value is not None and not 1 <= value <= MAX_LIMIT:
                errors[name] = [f"Ensure this value is between 1 and {MAX_LIMIT}."]
        if (self.first is not None or self.after is not None) and self.is_backward:
            errors["last"] = ["Use first/after or last/before, not both."]
        for name in ("after", "before"):
            value = getattr(self, name)
            if value is not None and len(value) > 1000:
                errors[name] = ["Ensure this field has no more than 1000 characters."]
        if errors:
            raise PageArgumentsError("Invalid page arguments.", errors=errors)
        return self


def reversed_ordering(ordering: Ordering) -> Ordering:
    """The same ordering read backwards: same name (so cursors are shared), keys flipped."""
    return Ordering(
        ordering.name, tuple(replace(key, descending=not key.descending) for key in ordering.keys)
    )


class LazyCursors(Sequence):
    """The cursors of a page's rows, each encoded when first read: most queries ask for
    ``nodes`` and ``pageInfo`` only, i.e. for no cursor or for the first and the last."""

    def __init__(self, ordering: Ordering, rows: list):
        self.ordering, self.rows = ordering, rows
        self.encoded: dict[int, str] = {}

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self.rows)))]
        index = range(len(self.rows))[index]  # negative indexes, IndexError
        if index not in self.encoded:
            self.encoded[index] = cursor_encode(self.ordering, self.rows[index])
        return self.encoded[index]


@dataclass
class ConnectionPage:
    rows: list
    cursors: Sequence[str]
    has_next_page: bool
    has_previous_page: bool
    total_count: Callable[[], int] | None = None


def page_of(queryset: QuerySet, *, ordering: Ordering, page: PageArguments) -> ConnectionPage:
    """A top-level page of ``queryset`` (``InvalidCursorError`` for a cursor we did not issue)."""
    page.check()
    if page.is_backward:
        result = paginate(
            queryset, ordering=reversed_ordering(ordering), limit=page.limit, cursor=page.before
        )
        rows = list(reversed(result.items))
        has_next, has_previous = page.before is not None, result.has_more
    else:
        result = paginate(queryset, ordering=ordering, limit=page.limit, cursor=page.after)
        rows = result.items
        has_next, has_previous = result.has_more, page.after is not None
    return ConnectionPage(
        rows=rows,
        cursors=LazyCursors(ordering, rows),
        has_next_page=has_next,
        has_previous_page=has_previous,
        total_count=queryset.count,
    )


class RowGroup:
    """The rows of one page or nested batch, which nested connections load together (see
    module). ``loaded`` memoizes each (relation, arguments) batch."""

    def __init__(self, rows: Iterable):
        self.rows = list(rows)
        self.loaded: dict = {}

    def load(self, key, loader: Callable[[list], object]):
        if key not in self.loaded:
            self.loaded[key] = loader(self.rows)
        return self.loaded[key]


@dataclass
class NestedBatch:
    attribute: str
    group: RowGroup  # every child row of the batch, for their own nested connections
    limit: int
    is_backward: bool
    ordering: Ordering
    page: PageArguments


def nested_batch(
    group: RowGroup,
    *,
    relation: str,
    queryset: QuerySet,
    ordering: Ordering,
    page: PageArguments,
    key: tuple,
) -> NestedBatch:
    """Load ``relation`` of every row of ``group`` in one query: up to ``limit + 1`` children per
    parent in ``ordering`` (after/before the cursor, the same keyset condition for each parent)."""
    page.check()

    def load(rows: list) -> NestedBatch:
        effective = reversed_ordering(ordering) if page.is_backward else ordering
        children = effective.prepare(queryset)
        cursor = page.before if page.is_backward else page.after
        if cursor:
            children = children.filter(_after(effective, cursor_decode(effective, cursor)))
        attribute = f"_graphql_{relation}_{len(group.loaded)}"
        prefetch_related_objects(
            rows, Prefetch(relation, queryset=children[: page.limit + 1], to_attr=attribute)
        )
        every_child = [child for row in rows for child in getattr(row, attribute)]
        return NestedBatch(
            attribute, RowGroup(every_child), page.limit, page.is_backward, ordering, page
        )

    return group.load(key, load)


def nested_page(batch: NestedBatch, parent) -> ConnectionPage:
    rows = list(getattr(parent, batch.attribute))
    has_more = len(rows) > batch.limit
    rows = rows[: batch.limit]
    cursor_given = (batch.page.before if batch.is_backward else batch.page.after) is not None
    if batch.is_backward:
        rows.reverse()
        has_next, has_previous = cursor_given, has_more
    else:
        has_next, has_previous = has_more, cursor_given
    return ConnectionPage(
        rows=rows,
        cursors=LazyCursors(batch.ordering, rows),
        has_next_page=has_next,
        has_previous_page=has_previous,
    )


def related_batch(group: RowGroup, *, relation: str, queryset: QuerySet) -> None:
    """Load the single related object ``relation`` (a foreign key or a reverse one-to-one) of
    every row of ``group`` in one query (a prefetch of the selector's queryset)."""
    group.load(
        ("related", relation),
        lambda rows: prefetch_related_objects(rows, Prefetch(relation, queryset=queryset)),
    )
