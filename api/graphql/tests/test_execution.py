"""``request_execute``'s executor (``api.graphql.schema._Executor``) answers exactly as
graphql-core's own: the same data and the same errors (message, path, locations), on the real
schema and on a schema built to provoke every way a plain field can go wrong."""

import enum
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
import strawberry
from django_tenants.utils import tenant_context
from graphql import execute, parse

from api.gateway import key_authenticate
from api.graphql.context import GraphQLContext
from api.graphql.schema import _Executor, schema
from api.graphql.tests.support import CHALLENGE_FIELDS, data, gql


def _both(graphql_schema, query: str, root=None, variables=None) -> tuple[dict, dict]:
    document = parse(query)

    def run(executor_class):
        result = execute(
            graphql_schema,
            document,
            root_value=root,
            variable_values=variables,
            executor_class=executor_class,
        )
        errors = [
            (error.message, error.path, [(loc.line, loc.column) for loc in error.locations or ()])
            for error in result.errors or ()
        ]
        return {"data": result.data, "errors": errors}

    return run(_Executor), run(None)


class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


@strawberry.type
class Leaf:
    text: str
    maybe_text: str | None
    number: int
    flag: bool
    ident: strawberry.ID
    ratio: float
    colour: Colour
    maybe_colour: Colour | None
    when: datetime
    tags: list[str]

    @strawberry.field
    def shout(self, suffix: str = "!") -> str:
        return self.text.upper() + suffix


def _leaf(**overrides):
    values = {
        "text": "hello",
        "maybe_text": None,
        "number": 7,
        "flag": True,
        "ident": "id_1",
        "ratio": 1.5,
        "colour": Colour.RED,
        "maybe_colour": None,
        "when": datetime(2026, 12, 1, 12, 0, tzinfo=UTC),
        "tags": ["a", "b"],
    }
    values.update(overrides)
    return Leaf(**values)


@strawberry.type
class Root:
    leaves: list[Leaf | None]


ALL_FIELDS = (
    "__typename text maybeText number flag ident ratio colour maybeColour when tags shout "
    'loud: shout(suffix: "?") again: text'
)
PROVOCATIONS = {
    "plain": _leaf(),
    "int too large": _leaf(number=2**40),
    "a bool as an Int": _leaf(number=True),
    "an int as a String": _leaf(text=42),
    "a float as an ID": _leaf(ident=1.5),
    "a str as a Boolean": _leaf(flag="yes"),
    "null in a non-null": _leaf(text=None),
    "not an enum value": _leaf(colour="green"),
    "an enum's raw value": _leaf(colour="red"),
    "a str as a DateTime": _leaf(when="yesterday"),
    "an int among strings": _leaf(tags=["a", 1]),
    "a None among strings": _leaf(tags=["a", None]),
    "a tuple of strings": _leaf(tags=("a", "b")),
    "a string for a list": _leaf(tags="ab"),
    "NaN as a Float": _leaf(ratio=float("nan")),
}

ACCEPTED = {
    "plain",
    "a bool as an Int",
    "an enum's raw value",
    "a tuple of strings",
    "an int among strings",
}


@pytest.mark.parametrize("label", PROVOCATIONS)
def test_every_kind_of_leaf_answers_as_graphql_core_does(label):
    """Each leaf type, well and badly typed, nullable and not, aliased and repeated."""
    provoking = strawberry.Schema(query=Root)._schema
    root = Root(leaves=[_leaf(), PROVOCATIONS[label], None])
    ours, theirs = _both(provoking, f"{{ leaves {{ {ALL_FIELDS} }} }}", root=root)
    assert ours == theirs
    # graphql-core takes True as the Int 1, 1 as the String "1", an enum's value for its member and
    # any iterable for a list; the rest are errors
    assert bool(ours["errors"]) is (label not in ACCEPTED)


def test_fragments_and_directives_answer_as_graphql_core_does():
    provoking = strawberry.Schema(query=Root)._schema
    query = (
        "query($skip: Boolean!) { leaves { ...F ... on Leaf { number @skip(if: $skip) } } } "
        "fragment F on Leaf { text @include(if: $skip) flag }"
    )
    root = Root(leaves=[_leaf(), _leaf(number=2**40)])
    for skip in (True, False):
        ours, theirs = _both(provoking, query, root=root, variables={"skip": skip})
        assert ours == theirs


@pytest.mark.django_db
def test_the_real_schema_answers_as_graphql_core_does(api, api_client, tenant, live_key):
    """The same page of challenges through both executors, with a request's context, equal to the
    last character — and what the endpoint answers is exactly that."""
    api.one_of_each(rating=4)
    api.challenge(title="Second")
    query = f"{{ challenges(first: 5) {{ totalCount nodes {{ {CHALLENGE_FIELDS} }} }} }}"
    served = data(gql(api_client, query))
    assert len(served["challenges"]["nodes"]) == 2

    key = key_authenticate(live_key, host_tenant=tenant)
    with tenant_context(tenant):
        document = parse(query)
        context = GraphQLContext(api_key=key)
        ours = execute(schema._schema, document, context_value=context, executor_class=_Executor)
        theirs = execute(schema._schema, document, context_value=GraphQLContext(api_key=key))
    assert ours.errors is None and theirs.errors is None
    assert ours.data == theirs.data == served


def test_lazy_cursors_encode_each_row_once_and_only_when_read():
    from api.graphql.pagination import LazyCursors
    from api.v1.pagination import Ordering, SortKey, cursor_encode

    rows = [SimpleNamespace(id=f"chl_{n}") for n in range(3)]
    ordering = Ordering(name="-id", keys=(SortKey("id", descending=True),))
    cursors = LazyCursors(ordering, rows)

    assert cursors.encoded == {} and len(cursors) == 3  # nothing encoded yet
    assert cursors[-1] == cursor_encode(ordering, rows[2]) and list(cursors.encoded) == [2]
    assert list(cursors) == [cursor_encode(ordering, row) for row in rows]
    assert cursors[0:2] == list(cursors)[:2]
    with pytest.raises(IndexError):
        cursors[3]
