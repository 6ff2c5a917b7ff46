"""What every marketplace resource view of /v1 shares: reading the shaping parameters, the
``expand`` scope rule, the list and object responses, the ordering tables' building blocks, the
state-action views and the OpenAPI pieces that go with them.

Shaping. Every route that returns objects takes ``fields`` (only these fields, ``id`` and
``object`` always included) and, where the resource has related objects, ``expand`` (inline them
instead of their ids); lists and single objects parse and apply them the same way
(``shaped_params``/``object_shape`` → ``Shape``). An unknown parameter, field or expansion is a
400.

The expand rule (a security invariant). An expanded object is as visible as the object fetched
on its own route, so it needs the read scope of *its own* family: ``expand=challenge`` on an
application needs ``challenges:read`` besides the route's ``applications:read``. A key without it
gets 403 ``insufficient_scope`` naming the missing scope — before any row is read.
``shaped_params`` is the only place that turns client input into an ``expand`` list, and it
checks every item, so no view can pass an unchecked expansion to a selector.

Layers. Views parse, call a selector (with ``expand=[…]``, which loads the related rows in the
same query) or a service, and render with ``marketplace.rendering``; they never build querysets.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import partial

from django.db.models import QuerySet
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status

from api.bases import ApiView
from api.gateway import InsufficientScopeError
from api.idempotency import idempotent
from api.responses import Response
from api.v1.pagination import Ordering, ordering_by_id, paginate
from api.v1.params import ListParams, parse_list_params
from apikeys.scopes import scope_required

ALWAYS_INCLUDED = ("id", "object")


# --- Orderings: each resource declares its own table (an allow-list) next to its views.

NEWEST_FIRST = ordering_by_id("-created_at", descending=True)
OLDEST_FIRST = ordering_by_id("created_at", descending=False)


def ordering_table(*orderings: Ordering) -> dict[str, Ordering]:
    """An allow-list of orderings by public name; the first is the list's default."""
    return {ordering.name: ordering for ordering in orderings}


# --- Shaping: fields and expand


def expand_help(expansions: Mapping[str, str]) -> str:
    needs = ", ".join(f"`{field}` needs `{family}:read`" for field, family in expansions.items())
    return (
        "Inline these related objects instead of their ids. Each needs the read scope of its own "
        f"family ({needs}); without it the call is refused (403 `insufficient_scope`)."
    )


class ShapedListParams(ListParams):
    """The query of a resource's list. ``EXPANSIONS`` maps each field ``expand`` can inline to the
    scope family of the object it reveals; it is what ``expand`` accepts and what the parameter's
    documentation names."""

    EXPANSIONS: Mapping[str, str] = {}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.EXPANDABLE = tuple(cls.EXPANSIONS)

    def get_fields(self):
        fields = super().get_fields()
        if "expand" in fields:
            fields["expand"].help_text = expand_help(self.EXPANSIONS)
        return fields


class ObjectParams(ShapedListParams):
    """The query of a route that returns one object: the shaping half of a list's query
    (``fields``, ``expand``), parsed by the same code, without paging or ordering. Subclasses set
    ``FIELDS`` and, where the object has related objects, ``EXPANSIONS``."""

    def get_fields(self):
        fields = super().get_fields()
        for paging in ("limit", "cursor", "offset", "ordering"):
            del fields[paging]
        shaping = fields.get("fields")
        if shaping is not None:
            shaping.help_text = "Only these fields of the object (`id` and `object` always come)."
        return fields


@dataclass(frozen=True)
class Shape:
    """How a response renders its objects: only ``fields`` (None: every field) and with the
    relations in ``expand`` inlined (already scope-checked, see ``shaped_params``)."""

    fields: tuple[str, ...] | None = None
    expand: tuple[str, ...] = ()

    def apply(self, rendered: dict) -> dict:
        if self.fields is None:
            return rendered
        wanted = {*self.fields, *ALWAYS_INCLUDED}
        return {name: value for name, value in rendered.items() if name in wanted}


def shaped_params(request, params_class: type[ShapedListParams]) -> tuple[dict, Shape]:
    """The validated query (400 on an unknown parameter, field or expansion) and the Shape it
    asks for, once the key may see every object it would inline: each expansion needs the read
    scope of its family (``params_class.EXPANSIONS``), else 403 ``insufficient_scope`` naming it.
    Call it before any read or write, so that a refused call has done nothing."""
    params = parse_list_params(params_class, request.query_params)
    expand = tuple(params.get("expand") or ())
    for field in expand:
        required = scope_required(family=params_class.EXPANSIONS[field], method="GET")
        if not request.api_key.has_scope(required):
            raise InsufficientScopeError(
                f"expand={field} inlines the {field}, which needs the scope {required!r}; this "
                "API key lacks it.",
                required_scope=required,
            )
    fields = params.get("fields")
    return params, Shape(fields=tuple(fields) if fields else None, expand=expand)


def object_shape(request, params_class: type[ObjectParams]) -> Shape:
    """The Shape of a route that returns one object (see ``shaped_params``)."""
    return shaped_params(request, params_class)[1]


# --- Responses


def list_response(
    request,
    queryset: QuerySet,
    params: dict,
    *,
    orderings: Mapping[str, Ordering],
    render: Callable[..., dict],
    shape: Shape,
    ordering: Ordering | None = None,
) -> Response:
    """The list envelope of one page of ``queryset``: in ``ordering`` or else the one named by
    ``params["ordering"]`` in the resource's ``orderings`` table, paged by cursor or offset, each
    row rendered with ``render(row, live=…)`` and shaped."""
    page = paginate(
        queryset,
        ordering=ordering or orderings[params["ordering"]],
        limit=params["limit"],
        cursor=params.get("cursor"),
        offset=params.get("offset"),
    )
    live = request.livemode
    return Response(page.envelope([shape.apply(render(row, live=live)) for row in page.items]))


def object_response(rendered: dict, shape: Shape, *, location: str | None = None) -> Response:
    """One object, shaped; with ``location``, as the 201 of the object created there."""
    if location is None:
        return Response(shape.apply(rendered))
    return Response(
        shape.apply(rendered), status=status.HTTP_201_CREATED, headers={"Location": location}
    )


# --- OpenAPI

ID_PARAMETER_DESCRIPTIONS = {
    "challenge_id": "A challenge id (`chl_…`).",
    "application_id": "An application id (`app_…`).",
    "message_id": "A message id (`msg_…`).",
    "review_id": "A review id (`rev_…`).",
    "event_id": "An event id (`evt_…`).",
}


def path_parameter(name: str) -> OpenApiParameter:
    return OpenApiParameter(
        name, str, OpenApiParameter.PATH, description=ID_PARAMETER_DESCRIPTIONS[name]
    )


class ObjectResponseSchema(serializers.Serializer):
    """OpenAPI only (nothing is ever serialized with it): the body of a route returning one
    object — the whole object (``full``) or, with ``fields``, the list-item shape (``partial``,
    where only ``id`` and ``object`` are required). Built by ``object_response_schema``."""

    full: type[serializers.Serializer]
    partial: type[serializers.Serializer]


def object_response_schema(
    full: type[serializers.Serializer], list_serializer: type[serializers.Serializer]
) -> type[ObjectResponseSchema]:
    """The response schema (component ``<Object>Response``) of the routes returning one object
    of ``full``'s kind; the partial shape is the item schema of the resource's ``list_serializer``,
    so that a list item and a shaped object are one component."""
    item = list_serializer._declared_fields["data"].child.__class__
    name = full.__name__.removesuffix("Serializer") + "ResponseSerializer"
    return type(name, (ObjectResponseSchema,), {"full": full, "partial": item})


class ObjectResponseSchemaExtension(OpenApiSerializerExtension):
    target_class = ObjectResponseSchema
    match_subclasses = True

    def map_serializer(self, auto_schema, direction):
        schema_class = self.target if isinstance(self.target, type) else type(self.target)
        full = auto_schema.resolve_serializer(schema_class.full, direction)
        partial_item = auto_schema.resolve_serializer(schema_class.partial, direction)
        # anyOf, not oneOf: a whole object also matches the partial shape.
        return {
            "anyOf": [full.ref, partial_item.ref],
            "description": "The whole object; with `fields`, only those fields (and `id`, "
            "`object`).",
        }


# --- State actions


def action_views(
    *,
    family: str,
    noun: str,
    render: Callable[[object], dict],
    params: type[ObjectParams],
    response: type[ObjectResponseSchema],
    actions: Iterable[tuple[str, Callable, str, str]],
) -> list[type[ApiView]]:
    """One ``POST /v1/<nouns>/{id}/<action>`` view per ``(action, service, summary, doc)``: one
    state transition each, no body, the object after it in the response (``fields`` applies)."""
    return [_action_view(family, noun, render, params, response, *action) for action in actions]


def _action_view(family, noun, render, params, response, action, service, summary, doc):
    id_name = f"{noun}_id"

    @extend_schema(tags=[f"{noun.title()}s"], parameters=[path_parameter(id_name)])
    class ActionView(ApiView):
        scope_family = family

        @extend_schema(
            operation_id=f"{noun}s_{action}",
            summary=summary,
            description=doc,
            request=None,
            parameters=[params],
            responses=response,
        )
        @idempotent
        def post(self, request, **kwargs):
            shape = object_shape(request, params)
            changed = service(**{id_name: kwargs[id_name]})
            return object_response(render(changed), shape)

    ActionView.__name__ = ActionView.__qualname__ = f"{noun.title()}{action.title()}View"
    return ActionView


def expanded(render: Callable[..., dict], shape: Shape) -> Callable[..., dict]:
    """``render`` inlining the shape's expansions (the rows were fetched with them)."""
    return partial(render, expand=shape.expand) if shape.expand else render
