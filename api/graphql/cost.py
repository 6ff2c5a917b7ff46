"""What a GraphQL request costs, in rate-limit tokens — computed from the document before it runs.

The formula (documented in the README and the schema's description)::

    rows   = Σ over every connection field of  size × (product of the sizes of the
             connections it is nested in)        where size = first or last (default 10)
    tokens = max(1, ⌈rows / 100⌉ + mutations + 2 × searches + 3 × introspections)

so a page of up to 100 rows costs what one REST call costs (1 token), a search 3 (as REST's
``search=``), each mutation field 1 (a REST write), and a ``__schema``/``__type`` selection 3.
``challenges(first: 10) { applications(first: 10) { messages(first: 10) } }`` is
``⌈(10 + 100 + 1000) / 100⌉ = 12`` tokens. The cost is what the gateway takes from the bucket
(``ApiView.cost``); a request costing more than the plan's burst (the bucket's capacity, which it
could never take) is refused up front with ``query_cost_exceeded``, naming the cost, the maximum
and the plan that lifts it, after one token.

The walk is linear in the document: each fragment is costed once and scaled where it is spread
(a "fragment bomb" of fragments spreading each other twice costs no more to cost than to read),
and a spread already on the path (a cycle, which validation refuses anyway) is skipped.
Introspection is also bounded in shape: list fields of the introspection types (``types``,
``fields``, ``args``, ``inputFields``, ``interfaces``, ``possibleTypes``, ``enumValues``,
``directives``) may nest at most ``MAX_INTROSPECTION_LIST_DEPTH`` deep — the standard
introspection query needs 3 — since each level multiplies the answer by the schema's size.
"""

import math
from dataclasses import dataclass

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    get_named_type,
    value_from_ast_untyped,
)

from api.v1.pagination import DEFAULT_LIMIT, MAX_LIMIT

ROWS_PER_TOKEN = 100
SEARCH_TOKENS = 2  # on top of the page: a REST search takes 3 tokens, a page 1
INTROSPECTION_TOKENS = 3
MAX_INTROSPECTION_LIST_DEPTH = 3
_INTROSPECTION_LISTS = frozenset(
    {
        "types",
        "fields",
        "args",
        "inputFields",
        "interfaces",
        "possibleTypes",
        "enumValues",
        "directives",
    }
)


@dataclass
class _Totals:
    rows: int = 0
    searches: int = 0
    mutations: int = 0
    introspections: int = 0

    def add(self, other: "_Totals", factor: int = 1) -> None:
        self.rows += other.rows * factor
        self.searches += other.searches * factor
        self.mutations += other.mutations * factor
        self.introspections += other.introspections * factor


@dataclass(frozen=True)
class QueryCost:
    tokens: int
    rows: int
    searches: int
    mutations: int
    introspections: int
    introspection_list_depth: int


def _page_size(arguments: dict) -> int:
    for name in ("first", "last"):
        value = arguments.get(name)
        if isinstance(value, int) and not isinstance(value, bool):
            # Out-of-range sizes are refused by the resolver; cost them as the largest page.
            return value if 1 <= value <= MAX_LIMIT else MAX_LIMIT
    return DEFAULT_LIMIT


class _Walk:
    def __init__(self, schema: GraphQLSchema, document: DocumentNode, variables: dict | None):
        self.schema = schema
        self.variables = variables or {}
        self.fragments = {
            definition.name.value: definition
            for definition in document.definitions
            if isinstance(definition, FragmentDefinitionNode)
        }
        self.memo: dict[str, _Totals] = {}
        self.depth_memo: dict[str, int] = {}
        self.max_list_depth = 0

    def _arguments(self, node: FieldNode) -> dict:
        arguments = {}
        for argument in node.arguments or ():
            try:
                arguments[argument.name.value] = value_from_ast_untyped(
                    argument.value, self.variables
                )
            except Exception:  # noqa: BLE001 - a malformed value: validation reports it
                arguments[argument.name.value] = None
        return arguments

    def selections(self, selection_set, parent_type, stack: frozenset) -> _Totals:
        totals = _Totals()
        if selection_set is None or parent_type is None:
            return totals
        is_mutation_root = parent_type is self.schema.mutation_type
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                name = selection.name.value
                if name in ("__schema", "__type"):
                    totals.introspections += 1
                    self.max_list_depth = max(
                        self.max_list_depth, self.list_depth(selection.selection_set, stack)
                    )
                    continue
                fields = getattr(parent_type, "fields", None) or {}
                field = fields.get(name)
                if field is None:
                    continue  # unknown (validation refuses it) or __typename
                named = get_named_type(field.type)
                inner = self.selections(selection.selection_set, named, stack)
                if is_mutation_root:
                    totals.mutations += 1
                if named.name.endswith("Connection"):
                    arguments = self._arguments(selection)
                    size = _page_size(arguments)
                    totals.rows += size
                    if arguments.get("search"):
                        totals.searches += 1
                    totals.add(inner, size)
                else:
                    totals.add(inner)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                target = self.schema.get_type(condition.name.value) if condition else parent_type
                totals.add(self.selections(selection.selection_set, target, stack))
            elif isinstance(selection, FragmentSpreadNode):
                totals.add(self.fragment(selection.name.value, stack))
        return totals

    def fragment(self, name: str, stack: frozenset) -> _Totals:
        if name in stack or name not in self.fragments:
            return _Totals()
        if name not in self.memo:
            definition = self.fragments[name]
            target = self.schema.get_type(definition.type_condition.name.value)
            self.memo[name] = _Totals()  # placeholder while walking (cycles)
            self.memo[name] = self.selections(definition.selection_set, target, stack | {name})
        return self.memo[name]

    def list_depth(self, selection_set, stack: frozenset) -> int:
        """How deep introspection list fields nest below ``selection_set``."""
        if selection_set is None:
            return 0
        deepest = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                below = self.list_depth(selection.selection_set, stack)
                deepest = max(deepest, below + (selection.name.value in _INTROSPECTION_LISTS))
            elif isinstance(selection, InlineFragmentNode):
                deepest = max(deepest, self.list_depth(selection.selection_set, stack))
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name in stack or name not in self.fragments:
                    continue
                if name not in self.depth_memo:
                    self.depth_memo[name] = 0
                    self.depth_memo[name] = self.list_depth(
                        self.fragments[name].selection_set, stack | {name}
                    )
                deepest = max(deepest, self.depth_memo[name])
        return deepest


def query_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    *,
    operation_name: str | None = None,
    variables: dict | None = None,
) -> QueryCost:
    """The cost of running ``operation_name`` (or the document's only operation) with
    ``variables`` (see module). A document whose operation cannot be chosen costs 1 (it will be
    refused before anything runs)."""
    operations = [
        definition
        for definition in document.definitions
        if isinstance(definition, OperationDefinitionNode)
    ]
    if operation_name is not None:
        operations = [o for o in operations if o.name and o.name.value == operation_name]
    if len(operations) != 1:
        return QueryCost(1, 0, 0, 0, 0, 0)
    operation = operations[0]
    root = {
        OperationType.QUERY: schema.query_type,
        OperationType.MUTATION: schema.mutation_type,
        OperationType.SUBSCRIPTION: schema.subscription_type,
    }[operation.operation]
    walk = _Walk(schema, document, variables)
    totals = walk.selections(operation.selection_set, root, frozenset())
    tokens = max(
        1,
        math.ceil(totals.rows / ROWS_PER_TOKEN)
        + totals.mutations
        + SEARCH_TOKENS * totals.searches
        + INTROSPECTION_TOKENS * totals.introspections,
    )
    return QueryCost(
        tokens=tokens,
        rows=totals.rows,
        searches=totals.searches,
        mutations=totals.mutations,
        introspections=totals.introspections,
        introspection_list_depth=walk.max_list_depth,
    )
