"""The GraphQL schema and its limits, and the one preparation every request goes through.

Limits (each refused before anything runs, with a clear error and HTTP 400):

- ``MAX_TOKENS`` lexical tokens (strawberry's ``MaxTokensLimiter``; the parser stops there);
- ``MAX_EXPANDED_FIELDS`` fields once fragments are expanded (a fragment "bomb" — fragments
  spreading each other twice — is refused here, before rules that would walk it exponentially);
- ``MAX_DEPTH`` levels (``QueryDepthLimiter``, introspection included) and ``MAX_ALIASES``
  aliases (``MaxAliasesLimiter``), with GraphQL's own validation (cyclic fragments, unknown
  fields, wrong variable types…);
- introspection list nesting (``cost.MAX_INTROSPECTION_LIST_DEPTH``) and the query's cost in
  tokens (``api.graphql.cost``) against the plan's burst.

``request_prepare`` parses and validates a document once per distinct text (an LRU of
``PREPARED_CACHE_SIZE`` documents: repeated queries — what clients send — skip both), then
costs it with the request's variables.
"""

from dataclasses import dataclass
from functools import lru_cache

import strawberry
from graphql import DocumentNode, GraphQLError, GraphQLSyntaxError, parse, specified_rules, validate
from strawberry.extensions import (
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig

from api.graphql.cost import MAX_INTROSPECTION_LIST_DEPTH, QueryCost, query_cost
from api.graphql.errors import GraphQLRequestError
from api.graphql.mutations import Mutation
from api.graphql.queries import Query
from api.graphql.subscriptions import Subscription
from api.graphql.types import SCALARS

MAX_TOKENS = 5_000
MAX_DEPTH = 15
MAX_ALIASES = 30
MAX_EXPANDED_FIELDS = 5_000
MAX_QUERY_CHARACTERS = 100_000
PREPARED_CACHE_SIZE = 512


_depth_limiter = QueryDepthLimiter(max_depth=MAX_DEPTH)
_alias_limiter = MaxAliasesLimiter(max_alias_count=MAX_ALIASES)


class _Schema(strawberry.Schema):
    def process_errors(self, errors, execution_context=None) -> None:
        """Nothing: ``api.graphql.errors`` renders every error and logs the unexpected ones with
        the request id (strawberry's default logs each domain refusal as an error)."""


schema = _Schema(
    query=Query,
    mutation=Mutation,
    subscription=Subscription,
    config=StrawberryConfig(scalar_map=SCALARS),
    extensions=[
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        lambda: ParserCache(maxsize=PREPARED_CACHE_SIZE),
        lambda: ValidationCache(maxsize=PREPARED_CACHE_SIZE),
        lambda: QueryDepthLimiter(max_depth=MAX_DEPTH),
        lambda: MaxAliasesLimiter(max_alias_count=MAX_ALIASES),
    ],
)

_RULES = (*specified_rules, *_depth_limiter.validation_rules, *_alias_limiter.validation_rules)


class QueryTooComplexError(GraphQLRequestError):
    code = "query_too_complex"
    title = "Query too complex"


class GraphQLParseError(GraphQLRequestError):
    code = "graphql_parse_failed"
    title = "Malformed GraphQL document"


@dataclass(frozen=True)
class PreparedDocument:
    document: DocumentNode | None
    errors: tuple[GraphQLError, ...]


@dataclass(frozen=True)
class PreparedRequest:
    query: str
    document: DocumentNode
    cost: QueryCost
    is_mutation: bool
    is_subscription: bool

    @property
    def is_query(self) -> bool:
        return not (self.is_mutation or self.is_subscription)


@lru_cache(maxsize=PREPARED_CACHE_SIZE)
def _document_prepare(query: str) -> PreparedDocument:
    try:
        document = parse(query, max_tokens=MAX_TOKENS)
    except GraphQLSyntaxError as error:
        return PreparedDocument(None, (error,))
    expanded = _expanded_fields(document)
    if expanded > MAX_EXPANDED_FIELDS:
        return PreparedDocument(
            None,
            (
                GraphQLError(
                    f"The document expands to more than {MAX_EXPANDED_FIELDS:,} fields once its "
                    "fragments are spread."
                ),
            ),
        )
    errors = validate(schema._schema, document, _RULES)
    return PreparedDocument(document, tuple(errors))


def _expanded_fields(document: DocumentNode) -> int:
    """Fields of the document with every fragment spread in place (memoized per fragment, so
    linear in the document; a cyclic spread counts as nothing — validation refuses it)."""
    from graphql import FieldNode, FragmentDefinitionNode, FragmentSpreadNode

    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    memo: dict[str, int] = {}

    def count(selection_set, stack: frozenset) -> int:
        if selection_set is None:
            return 0
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += 1 + count(selection.selection_set, stack)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name in stack or name not in fragments:
                    continue
                if name not in memo:
                    memo[name] = 0
                    memo[name] = count(fragments[name].selection_set, stack | {name})
                total += memo[name]
            else:
                total += count(selection.selection_set, stack)
            if total > MAX_EXPANDED_FIELDS:
                return total
        return total

    return sum(
        count(getattr(definition, "selection_set", None), frozenset())
        for definition in document.definitions
        if not isinstance(definition, FragmentDefinitionNode)
    )


def _document_error(errors: tuple[GraphQLError, ...]) -> GraphQLRequestError:
    first = errors[0]
    messages = [error.message for error in errors[:20]]
    if isinstance(first, GraphQLSyntaxError):
        return GraphQLParseError(f"The GraphQL document could not be parsed: {first.message}")
    limits = (
        "exceeds maximum operation depth",
        "aliases found",
        "expands to more than",
        "introspection depth",
    )
    if any(marker in message for message in messages for marker in limits):
        return QueryTooComplexError(
            "The query exceeds a limit: " + "; ".join(messages),
            errors={"query": messages},
            limits={"depth": MAX_DEPTH, "aliases": MAX_ALIASES, "tokens": MAX_TOKENS},
        )
    return GraphQLRequestError(
        "The GraphQL document is invalid: " + "; ".join(messages), errors={"query": messages}
    )


def request_prepare(query, *, variables=None, operation_name=None) -> PreparedRequest:
    """The request's document, validated and costed, or ``GraphQLRequestError`` (400)."""
    if not isinstance(query, str) or not query.strip():
        raise GraphQLRequestError(
            "Send the GraphQL document as a non-empty string in 'query'.",
            code="graphql_bad_request",
        )
    if len(query) > MAX_QUERY_CHARACTERS:
        raise QueryTooComplexError(f"The document exceeds {MAX_QUERY_CHARACTERS:,} characters.")
    if "\x00" in query:
        raise GraphQLParseError("The GraphQL document holds a NUL character.")
    prepared = _document_prepare(query)
    if prepared.errors:
        if "more than" in prepared.errors[0].message and "tokens" in prepared.errors[0].message:
            raise QueryTooComplexError(
                f"The document exceeds {MAX_TOKENS:,} tokens.", limits={"tokens": MAX_TOKENS}
            )
        raise _document_error(prepared.errors)
    operation = _operation(prepared.document, operation_name)
    cost = query_cost(
        schema._schema, prepared.document, operation_name=operation_name, variables=variables
    )
    if cost.introspection_list_depth > MAX_INTROSPECTION_LIST_DEPTH:
        raise QueryTooComplexError(
            f"Introspection lists nest {cost.introspection_list_depth} deep; at most "
            f"{MAX_INTROSPECTION_LIST_DEPTH} (the standard introspection query needs 3)."
        )
    return PreparedRequest(
        query=query,
        document=prepared.document,
        cost=cost,
        is_mutation=operation.operation.value == "mutation",
        is_subscription=operation.operation.value == "subscription",
    )


def _operation(document: DocumentNode, operation_name):
    from graphql import OperationDefinitionNode

    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is not None:
        operations = [o for o in operations if o.name and o.name.value == operation_name]
        if not operations:
            raise GraphQLRequestError(f"No operation named {str(operation_name)[:60]!r}.")
    if len(operations) != 1:
        raise GraphQLRequestError(
            "The document holds several operations: name the one to run in 'operationName'."
        )
    return operations[0]
