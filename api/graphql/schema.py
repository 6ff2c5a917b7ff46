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
costs it with the request's variables (a document sent without variables: once, in a second
LRU). ``request_execute`` runs that prepared document as it is:
strawberry's ``execute_sync`` would parse and validate the text again, and its validation cache
never hits (the limiters' rules are new classes for every request, so its key is new too) —
validating cost 30 % of a GraphQL call. The schema keeps its own extensions for the one other
caller, ``schema.subscribe`` (a WebSocket subscription, prepared the same way first).

Execution is graphql-core's, with one shortcut (``_Executor``): a field strawberry resolves by
plain attribute access (no resolver, no extension, no argument) whose type is a scalar or an enum
(or a list of strings or booleans) is read and serialised directly, without the
``GraphQLResolveInfo`` and the completion steps graphql-core builds for every field — most of a
page's fields. Anything unusual (an error, a null
where the type forbids one, a value the scalar refuses) goes through graphql-core's own path, so
errors read exactly as before.
"""

from dataclasses import dataclass
from functools import lru_cache
from inspect import isawaitable
from typing import Any

import strawberry
from graphql import (
    DocumentNode,
    ExecutionResult,
    GraphQLError,
    GraphQLSyntaxError,
    execute,
    get_nullable_type,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
    parse,
    specified_rules,
    validate,
)
from graphql.execution.incremental.incremental_executor import IncrementalExecutor
from graphql.pyutils import Path, Undefined, gather_with_cancel
from strawberry.execution.is_awaitable import optimized_is_awaitable
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


@lru_cache(maxsize=PREPARED_CACHE_SIZE)
def _cost_without_variables(query: str, operation_name: str | None) -> QueryCost:
    document = _document_prepare(query).document
    return query_cost(schema._schema, document, operation_name=operation_name)


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
    if variables:
        cost = query_cost(
            schema._schema, prepared.document, operation_name=operation_name, variables=variables
        )
    else:  # the cost of a document without variables is the document's: computed once
        cost = _cost_without_variables(query, operation_name)
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


# --- execution


_NOT_PLAIN = ()
# Values that graphql-core's own scalars return unchanged: their exact Python type (a bool is no
# Int; an int beyond 32 bits is refused, so Int is not here).
_PASSTHROUGH = {"String": str, "ID": str, "Boolean": bool}
_plain_leaves: dict[int, tuple] = {}  # id(field) → (field, shortcut): one entry per schema field


def _plain_leaf(field_def) -> tuple:
    """``(attribute, leaf type, non-null, passthrough type, item type)`` when ``field_def`` is
    read by plain attribute access (a strawberry field without resolver or extension, read with
    ``getattr``) and returns a scalar or an enum — or a list of ``String``/``ID``/``Boolean``
    (then ``leaf`` is ``None`` and ``item type`` the items' exact type); else ``()``:
    graphql-core's full path. Computed once per field (``GraphQLField`` is unhashable: the entry
    keeps the field, so that its id stays its own)."""
    entry = _plain_leaves.get(id(field_def))
    if entry is None:
        shortcut = _NOT_PLAIN
        definition = field_def.extensions.get("strawberry-definition")
        nullable = get_nullable_type(field_def.type)
        if (
            not field_def.args
            and getattr(field_def.resolve, "_is_default", False)
            and definition is not None
            and definition.default_resolver is getattr
        ):
            non_null = is_non_null_type(field_def.type)
            if is_leaf_type(nullable):
                passthrough = _PASSTHROUGH.get(nullable.name, _NOT_PLAIN)
                shortcut = (definition.python_name, nullable, non_null, passthrough, None)
            elif is_list_type(nullable):
                item = get_nullable_type(nullable.of_type)
                if is_leaf_type(item) and item.name in _PASSTHROUGH:
                    items = _PASSTHROUGH[item.name]
                    shortcut = (definition.python_name, None, non_null, _NOT_PLAIN, items)
        entry = _plain_leaves[id(field_def)] = (field_def, shortcut)
    return entry[1]


class _Executor(IncrementalExecutor):
    """graphql-core's executor with the plain-leaf shortcut (see module). ``execute_fields`` is
    graphql-core's own loop (3.3), with the shortcut taken before a field's ``Path`` and
    ``execute_field`` — whose ``GraphQLResolveInfo`` and completion steps it skips."""

    def execute_fields(self, parent_type, source_value, path, grouped_field_set, position_context):
        if self.middleware_manager:
            return super().execute_fields(
                parent_type, source_value, path, grouped_field_set, position_context
            )
        results: dict[str, Any] = {}
        is_awaitable = self.is_awaitable
        awaitable_fields: list[str] = []
        fields = parent_type.fields
        plain_get = _plain_leaves.get
        try:
            for response_name, field_details_list in grouped_field_set.items():
                node = field_details_list[0].node
                field_def = fields.get(node.name.value)
                if field_def is None:  # __typename
                    shortcut = _NOT_PLAIN
                else:
                    entry = plain_get(id(field_def))
                    shortcut = entry[1] if entry is not None else _plain_leaf(field_def)
                if shortcut and not node.arguments:
                    attribute, leaf, non_null, passthrough, items = shortcut
                    value = getattr(source_value, attribute, Undefined)
                    if value is None:
                        if not non_null:
                            results[response_name] = None
                            continue
                    elif type(value) is passthrough:  # a str of a String, a bool of a Boolean
                        results[response_name] = value
                        continue
                    elif items is not None:  # a list of them: each item of exactly that type
                        if type(value) is list and all(type(item) is items for item in value):
                            results[response_name] = list(value)
                            continue
                    elif value is not Undefined and not is_awaitable(value):
                        try:
                            coerced = leaf.coerce_output_value(value)
                        except Exception:  # noqa: BLE001 - graphql-core's path reports it
                            coerced = None
                        if coerced is not None and coerced is not Undefined:
                            results[response_name] = coerced
                            continue
                # graphql-core's path: anything else, and any error, exactly as it reports it
                result = self.execute_field(
                    parent_type,
                    source_value,
                    field_details_list,
                    Path(path, response_name, parent_type.name),
                    position_context,
                )
                if result is not Undefined:
                    results[response_name] = result
                    if is_awaitable(result):
                        awaitable_fields.append(response_name)
        except Exception:
            if awaitable_fields:
                self.settle_in_background([results[field] for field in awaitable_fields])
            raise
        if not awaitable_fields:
            return results

        async def get_results() -> dict[str, Any]:
            awaited = await gather_with_cancel(*(results[field] for field in awaitable_fields))
            results.update(zip(awaitable_fields, awaited, strict=True))
            return results

        return get_results()


def request_execute(
    prepared: PreparedRequest,
    *,
    context: Any,
    variables: dict | None = None,
    operation_name: str | None = None,
) -> ExecutionResult:
    """Run a prepared query or mutation (see module); field errors are in the result."""
    result = execute(
        schema._schema,
        prepared.document,
        context_value=context,
        variable_values=variables,
        operation_name=operation_name,
        executor_class=_Executor,
        is_awaitable=optimized_is_awaitable,
    )
    if isawaitable(result):  # a resolver that is a coroutine: none is, over HTTP
        result.close()
        raise RuntimeError("GraphQL execution did not complete synchronously.")
    return result
