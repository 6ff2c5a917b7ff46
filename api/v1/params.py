"""Query parameters of /v1 list endpoints: parsing and validation (a bad one is a 400 problem).

Every list takes ``limit``, ``cursor`` or ``offset``, ``ordering`` (from an allow-list),
``fields`` and, where there are related objects, ``expand``. Filters follow one convention:
multi-valued filters take comma-separated values (``status=open,closed``) or repeated parameters;
ranges use brackets (``reward_amount[gte]=100``, ``created_at[lt]=2026-01-01T00:00:00Z``);
metadata filters use ``metadata[<key>]=<value>``. Unknown parameters are refused rather than
silently ignored, so a typo never returns an unfiltered list.
"""

import re
import threading

from django.http import QueryDict
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from api.v1.pagination import DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET

RANGE_OPERATORS = {
    "gt": "greater than",
    "gte": "greater than or equal to",
    "lt": "less than",
    "lte": "less than or equal to",
}
METADATA_PARAMETER = re.compile(r"^metadata\[([A-Za-z0-9_.:-]{1,40})\]$")
MAX_METADATA_FILTERS = 10
MAX_METADATA_FILTER_VALUE = 500  # as long as a stored metadata value may be


class CommaSeparatedField(serializers.Field):
    """``a,b,c`` (or the parameter repeated) → ``["a", "b", "c"]``, each from ``choices`` when
    given, else a non-empty string up to ``max_item_length``."""

    def __init__(self, *, choices=None, max_items: int = 20, max_item_length: int = 50, **kwargs):
        self.choices = list(choices) if choices is not None else None
        self.max_items = max_items
        self.max_item_length = max_item_length
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            raise serializers.ValidationError("Expected comma-separated values.")
        items = [item.strip() for item in data.split(",") if item.strip()]
        if not items:
            raise serializers.ValidationError("Expected at least one value.")
        if len(items) > self.max_items:
            raise serializers.ValidationError(f"At most {self.max_items} values.")
        for item in items:
            if self.choices is not None and item not in self.choices:
                raise serializers.ValidationError(
                    f"{item!r} is not one of: {', '.join(self.choices)}."
                )
            if len(item) > self.max_item_length:
                raise serializers.ValidationError(
                    f"Values are at most {self.max_item_length} characters."
                )
        return list(dict.fromkeys(items))

    def to_representation(self, value):
        return ",".join(value)


def _comma_schema(field: CommaSeparatedField) -> dict:
    items = {"type": "string"}
    if field.choices is not None:
        items["enum"] = field.choices
    else:
        items.update(minLength=1, maxLength=field.max_item_length, pattern=r"^[^,]*\S[^,]*$")
    return {"type": "array", "items": items, "minItems": 1, "maxItems": field.max_items}


class CommaSeparatedFieldExtension(OpenApiSerializerFieldExtension):
    target_class = CommaSeparatedField

    def map_serializer_field(self, auto_schema, direction):
        return _comma_schema(self.target)


class ListParams(serializers.Serializer):
    """Pagination and shaping; subclasses set ORDERINGS, FIELDS, EXPANDABLE and filters."""

    ORDERINGS: tuple[str, ...] = ("-created_at", "created_at")
    FIELDS: tuple[str, ...] = ()
    EXPANDABLE: tuple[str, ...] = ()
    RANGES: dict[str, type] = {}  # name → serializer field class of the bound
    HAS_METADATA = False

    limit = serializers.IntegerField(
        min_value=1,
        max_value=MAX_LIMIT,
        default=DEFAULT_LIMIT,
        help_text=f"Page size, 1-{MAX_LIMIT}.",
    )
    cursor = serializers.CharField(
        required=False,
        max_length=1000,
        help_text="`next_cursor` of the previous page. Not with `offset`.",
    )
    offset = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=MAX_OFFSET,
        help_text=(
            f"Offset paging (0-{MAX_OFFSET}) instead of cursors; the response then carries "
            "`total`. Not with `cursor`."
        ),
    )

    def get_fields(self):
        fields = super().get_fields()
        fields["ordering"] = serializers.ChoiceField(
            choices=list(self.ORDERINGS),
            default=self.ORDERINGS[0],
            help_text="Sort order; a leading `-` sorts descending.",
        )
        if self.FIELDS:
            fields["fields"] = CommaSeparatedField(
                choices=self.FIELDS,
                max_items=len(self.FIELDS),
                required=False,
                help_text="Only these fields in each object (`id` and `object` always come).",
            )
        if self.EXPANDABLE:
            fields["expand"] = CommaSeparatedField(
                choices=self.EXPANDABLE,
                max_items=len(self.EXPANDABLE),
                required=False,
                help_text="Inline these related objects instead of their ids.",
            )
        for name, field_class in self.RANGES.items():
            for operator in RANGE_OPERATORS:
                kwargs = (
                    {"min_value": 0, "max_value": 10**15}
                    if field_class is serializers.IntegerField
                    else {}
                )
                fields[f"{name}[{operator}]"] = field_class(
                    required=False,
                    help_text=f"Only objects whose `{name}` is {RANGE_OPERATORS[operator]} this.",
                    **kwargs,
                )
        return fields

    def validate(self, attrs):
        if attrs.get("cursor") is not None and attrs.get("offset") is not None:
            raise serializers.ValidationError({"offset": ["Use either cursor or offset."]})
        ranges: dict[str, dict] = {}
        for key in list(attrs):
            if "[" in key:
                name, operator = key[:-1].split("[")
                ranges.setdefault(name, {})[operator] = attrs.pop(key)
        attrs["ranges"] = ranges
        return attrs


# One validating instance per parameters class (see ``_params_validator``).
_validators: dict[type, serializers.Serializer] = {}
_validators_lock = threading.Lock()


def _params_validator(params_class: type[serializers.Serializer]) -> serializers.Serializer:
    """The instance of ``params_class`` that validates every query of its routes, fields built
    once. DRF builds a serializer's fields per instance (a deep copy of every declared field,
    plus ``get_fields``' dynamic ones): for a list's parameters, about a quarter of the call.

    Sharing one instance across requests and threads is safe because validation keeps no state
    on it: ``run_validation(data)`` (what ``is_valid`` calls) reads the fields and returns a new
    dict, fields validate without storing anything, and the instance has no data, context or
    ``partial`` of its own (the fields' ``root``). A parameters class must therefore not make
    its fields depend on a request (none does: they depend on the class alone)."""
    validator = _validators.get(params_class)
    if validator is None:
        with _validators_lock:
            validator = _validators.get(params_class)
            if validator is None:
                validator = params_class()
                validator.fields  # noqa: B018 - built here, under the lock, once
                _validators[params_class] = validator
    return validator


def parse_list_params(params_class: type[ListParams], query: QueryDict) -> dict:
    """Validate ``query`` against ``params_class``; raise a DRF ValidationError (→ 400)."""
    data = {key: ",".join(query.getlist(key)) for key in query}
    metadata = {}
    unknown = []
    validator = _params_validator(params_class)
    declared = validator.fields
    for key, value in data.items():
        match = METADATA_PARAMETER.match(key)
        if match and params_class.HAS_METADATA:
            metadata[match.group(1)] = value
        elif key not in declared:
            unknown.append(key)
    errors = {key: ["Unknown query parameter."] for key in unknown[:20]}
    for key, value in data.items():
        # PostgreSQL text cannot hold NUL; no legitimate filter value contains one. (ApiView
        # refuses every control character before the view runs; this holds without it too.)
        if "\x00" in value and key not in errors:
            errors[key] = ["Null characters are not allowed."]
    if len(metadata) > MAX_METADATA_FILTERS:
        errors["metadata"] = [f"At most {MAX_METADATA_FILTERS} metadata filters."]
    for key, value in metadata.items():
        if len(value) > MAX_METADATA_FILTER_VALUE:
            errors[f"metadata[{key}]"] = [
                f"Metadata values are at most {MAX_METADATA_FILTER_VALUE} characters."
            ]
    if errors:
        raise serializers.ValidationError(errors)
    # What ``is_valid(raise_exception=True)`` does, on the shared instance: the same validated
    # data, or the same ValidationError (field → messages).
    values = dict(validator.run_validation({k: v for k, v in data.items() if k in declared}))
    values["metadata"] = metadata
    return values


def metadata_parameter() -> OpenApiParameter:
    return OpenApiParameter(
        "metadata",
        {
            "type": "object",
            "additionalProperties": {"type": "string", "maxLength": MAX_METADATA_FILTER_VALUE},
            "maxProperties": MAX_METADATA_FILTERS,
        },
        OpenApiParameter.QUERY,
        style="deepObject",
        explode=True,
        description="Objects whose metadata has every given key with the given value, "
        "e.g. `metadata[team]=core`. Keys: 1-40 of `A-Za-z0-9_.:-`.",
    )
