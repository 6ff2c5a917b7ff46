"""OpenAPI post-processing: what every /v1 operation shares, added in one place.

drf-spectacular describes each view's own parameters, bodies and success responses; this hook adds
the rest of the contract, derived per operation from its view and its route:

- the ``Problem`` schema (RFC 9457) and, on each operation, every error status it can answer:
  those of the gateway (``api.bases.ApiView``: 401, 402, 403, 411, 413, 429 and 406/500/503, on
  every authenticated operation; no 402 on billing's own routes), 400 everywhere (every /v1
  route checks its query string), 404 where its path or its body names an object, 415 where a
  body is parsed, 409/422 on writes and ``@idempotent`` handlers;
- the response headers: ``X-Request-Id`` on every response, the rate-limit headers on every
  response given after the key was verified (what ``api.gateway.limits.LimitResult.headers``
  sends, epoch seconds in ``X-RateLimit-Reset``), ``Retry-After`` on 429 and 503, ``Location`` on
  201, ``Idempotent-Replayed`` on the 2xx of idempotent operations;
- the ``Idempotency-Key`` header parameter of the operations that honour it;
- OpenAPI links from the operations that create or list an object to the operations taking its
  id in their path, so clients (and schemathesis' stateful phase) can follow real ids.

A method not documented for a path answers 405 ``method_not_allowed`` with an ``Allow`` header; it
has no operation to document the 405 on, so the document's description says it once.
"""

import re

from django.conf import settings

from apikeys.scopes import scope_required

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
PROBLEM_CONTENT_TYPE = "application/problem+json"
METHODS = ("get", "post", "put", "patch", "delete")
WRITE_METHODS = ("post", "put", "patch", "delete")

PROBLEM_SCHEMA = {
    "type": "object",
    "description": "An RFC 9457 problem. Extra members depend on `code` (see below).",
    "required": ["type", "title", "status", "detail", "code", "request_id"],
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "code": {
            "type": "string",
            "description": "Machine-readable: `validation_error`, `not_found`, "
            "`invalid_state_transition`, `business_rule_violation` and the specific rule codes "
            "(`deadline_passed`, `max_applications_reached`, …), `rate_limited`, …",
        },
        "request_id": {"type": "string", "nullable": True},
        "errors": {
            "type": "object",
            "description": "With `validation_error`: messages per field (nested for objects).",
            "additionalProperties": True,
        },
        "allowed": {
            "type": "array",
            "items": {"type": "string"},
            "description": "With `invalid_state_transition`: the actions allowed now.",
        },
        "current_status": {"type": "string"},
    },
    "additionalProperties": True,
    "example": {
        "type": "https://docs.openchance.dev/errors/invalid_state_transition",
        "title": "Invalid state transition",
        "status": 409,
        "detail": "Cannot award a challenge whose status is 'open'; allowed: close, cancel.",
        "code": "invalid_state_transition",
        "request_id": "req_5f0c1c7e9c0b4a1e8d7f2a3b4c5d6e7f",
        "allowed": ["close", "cancel"],
        "current_status": "open",
    },
}

# --- Headers (names and values as api.gateway.limits.LimitResult.headers sends them)

REQUEST_ID_HEADER = {
    "description": "Identifies the request in logs and support requests (`req_…`).",
    "required": True,
    "schema": {"type": "string"},
}
CLIENT_REQUEST_ID_HEADER = {
    "description": "The `X-Request-Id` the client sent (8–128 of `A-Za-z0-9._:-`), echoed; ours "
    "is `X-Request-Id`.",
    "schema": {"type": "string"},
}
RATE_LIMIT_HEADERS = {
    "X-RateLimit-Limit": ("Burst size of the key's token bucket.", {"type": "integer"}),
    "X-RateLimit-Remaining": ("Tokens left in the bucket after this call.", {"type": "integer"}),
    "X-RateLimit-Reset": (
        "When the bucket is full again, as a Unix time (epoch seconds, UTC) — not a delay; "
        "`t=` of `RateLimit` is the same moment in seconds from now.",
        {"type": "integer", "format": "int64"},
    ),
    "RateLimit": (
        'IETF draft RateLimit fields: `"<plan>";r=<remaining>;t=<seconds until the bucket is '
        "full again>`.",
        {"type": "string"},
    ),
    "RateLimit-Policy": (
        'IETF draft RateLimit-Policy: `"<plan>";q=<burst>;w=<seconds to refill the whole bucket>`.',
        {"type": "string"},
    ),
}
RETRY_AFTER_HEADER = {
    "description": "Seconds to wait before retrying.",
    "required": True,
    "schema": {"type": "integer"},
}
WWW_AUTHENTICATE_HEADER = {
    "description": '`Bearer realm="openchance"` when no key was sent.',
    "schema": {"type": "string"},
}
LOCATION_HEADER = {
    "description": "The path of the created object.",
    "required": True,
    "schema": {"type": "string"},
}
REPLAYED_HEADER = {
    "description": "`true` when this is the stored answer to an earlier request with the same "
    "`Idempotency-Key`.",
    "schema": {"type": "string", "enum": ["true"]},
}

IDEMPOTENCY_PARAMETER = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Make retries safe: the same key with the same request replays the first "
    "(2xx) response for 24 hours; with another request → 422; while the first is running → 409.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"},
}

NOT_ALLOWED_NOTE = (
    "\n\nA method not documented for a path answers 405 `method_not_allowed` with an `Allow` "
    "header listing the documented ones. Every response carries `X-Request-Id`; every response "
    "given after the key was verified carries the rate-limit headers (`X-RateLimit-Reset` is a "
    "Unix time)."
)

# Statuses answered before the limits are checked carry no rate-limit headers: the key was not
# verified (401), the tenant is suspended (403 tenant_suspended is raised by the key check), or
# content negotiation failed before the gateway ran (406).
STATUSES_WITHOUT_LIMIT_HEADERS = {"401", "406"}


def _path_template(route: str) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)


def _views_by_operation(generator) -> dict[tuple[str, str], tuple[type, object]]:
    """(path, method) → (view class, handler) of every operation drf-spectacular generated."""
    views = {}
    for route, _, method, callback in generator.endpoints or ():
        view_class = getattr(callback, "cls", None)
        if view_class is None:
            continue
        handler = getattr(view_class, method.lower(), None)
        views[(_path_template(route), method.lower())] = (view_class, handler)
    return views


def _is_gateway_view(view_class) -> bool:
    # Imported here: api.bases imports the gateway, which the schema module needs only for this.
    from api.bases import ApiView

    return isinstance(view_class, type) and issubclass(view_class, ApiView)


def problem_statuses(
    *,
    method: str,
    path: str,
    operation: dict,
    view_class,
    is_idempotent: bool,
    body_references: tuple[str, ...] = (),
) -> dict[str, str]:
    """Every error status ``operation`` can answer, with what each means there.
    ``body_references`` are the body's properties that name another object by id."""
    parameters = operation.get("parameters", [])
    has_path_id = any(parameter.get("in") == "path" for parameter in parameters)
    has_parameters = any(parameter.get("in") in ("query", "header") for parameter in parameters)
    # @idempotent fingerprints the parsed body, so even a bodyless action parses what is sent.
    parses_body = bool(operation.get("requestBody")) or is_idempotent
    unavailable = ["`database_unavailable`: the database cannot be reached"]
    if is_idempotent:
        unavailable.append("`idempotency_unavailable`: Redis is down and an `Idempotency-Key` sent")
    statuses = {
        "406": "`not_acceptable`: the `Accept` header excludes `application/json`.",
        "500": "`internal_error`: our fault; the `request_id` identifies it.",
        "503": f"{'; '.join(unavailable)}. Retry after `Retry-After` seconds.",
    }
    if _is_gateway_view(view_class):
        scope_family = getattr(view_class, "scope_family", None)
        needed = (
            f"at least `{scope_required(family=scope_family, method=method)}` here"
            if scope_family
            else f"{view_class.scope_text} here"
            if getattr(view_class, "scope_text", None)
            else "each operation of the batch checks its own"
        )
        statuses |= {
            "401": "`invalid_api_key`: missing, malformed, unknown, revoked or expired API key, "
            "or a key of another tenant.",
            "403": "`insufficient_scope`: the key lacks a scope this call needs "
            f"(`required_scope` names it; {needed}), or `tenant_suspended`.",
            "411": "`length_required`: a body sent with `Transfer-Encoding` (chunked) instead "
            "of `Content-Length`.",
            "413": "`payload_too_large`: the body exceeds "
            f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE:,} bytes.",
            "429": "`rate_limited` or `quota_exceeded`, naming the limit and the plan that lifts "
            "it, or `too_many_failed_authentications` from this address; see `Retry-After`.",
        }
        if not getattr(view_class, "is_billing_route", False):
            # Billing's own routes are exempt (api.bases.ApiView.is_billing_route).
            statuses["402"] = (
                "Live keys only: `payment_required` (an invoice is past due and the organisation "
                "is restricted; pay it, see `GET /v1/invoices`) or `spend_cap_reached` (the "
                "period's calls reached the spend cap: `spend_cap`, `amount_reached`, `currency`; "
                "raise it with `PATCH /v1/billing/settings`)."
            )
    # Every /v1 route refuses a query string it cannot read (not UTF-8, control characters) and
    # the parameters it does not take.
    codes = ["`validation_error` (per-field `errors`)"]
    if has_parameters and any(parameter.get("name") == "cursor" for parameter in parameters):
        codes.append("`invalid_cursor`")
    if parses_body:
        codes.append("`invalid_json`")
    if is_idempotent:
        codes.append("`invalid_idempotency_key`")
    statuses["400"] = f"Invalid query string, parameters or body: {', '.join(codes)}."
    if has_path_id or body_references:
        named = ["the path's id"] if has_path_id else []
        named += [f"`{name}`" for name in body_references]
        statuses["404"] = (
            f"`not_found`: {' or '.join(named)} names no object of this key's tenant and mode."
        )
    if parses_body:
        statuses["415"] = "`unsupported_media_type`: the body is not `application/json`."
    conflicts, refusals = [], []
    if method in WRITE_METHODS:
        conflicts.append(
            "the object's state does not allow it (`invalid_state_transition`, "
            "naming the `allowed` actions) or another conflict"
        )
    if method in ("post", "put", "patch"):
        refusals.append(
            "a business rule refuses the request (`business_rule_violation` or a "
            "specific rule code)"
        )
    if is_idempotent:
        conflicts.append(
            "a request with the same `Idempotency-Key` is still running "
            "(`idempotency_request_in_flight`)"
        )
        refusals.append(
            "the `Idempotency-Key` was used with another request (`idempotency_key_reused`)"
        )
    if conflicts:
        statuses["409"] = _sentence("; or ".join(conflicts))
    if refusals:
        statuses["422"] = _sentence("; or ".join(refusals))
    return statuses


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + "."


def _limit_headers(*, required: bool) -> dict:
    return {
        name: {"description": description, "required": required, "schema": schema}
        for name, (description, schema) in RATE_LIMIT_HEADERS.items()
    }


def _response_headers(status: str, *, is_idempotent: bool, is_gateway: bool) -> dict:
    headers = {"X-Request-Id": REQUEST_ID_HEADER, "X-Client-Request-Id": CLIENT_REQUEST_ID_HEADER}
    if is_gateway and status not in STATUSES_WITHOUT_LIMIT_HEADERS:
        # Always there on a success; on an error only when the key was verified first (none on
        # a 403 tenant_suspended, a 429 too_many_failed_authentications, a 503 before the key).
        headers |= _limit_headers(required=status.startswith("2"))
    if status == "401":
        headers["WWW-Authenticate"] = WWW_AUTHENTICATE_HEADER
    if status in ("429", "503"):
        headers["Retry-After"] = RETRY_AFTER_HEADER
    if status == "201":
        headers["Location"] = LOCATION_HEADER
    if is_idempotent and status.startswith("2"):
        headers["Idempotent-Replayed"] = REPLAYED_HEADER
    return headers


# --- Links: from operations that yield an object's id to the operations taking it in their path


def _singular(collection: str) -> str:
    if collection.endswith("ies"):
        return collection[: -len("ies")] + "y"
    return collection.removesuffix("s")


def _path_resource(path: str) -> tuple[str, str] | None:
    """(path parameter, the ``object`` name of the resource it names) of an id-bearing path:
    ``/v1/webhook_endpoints/{endpoint_id}/test`` → ``("endpoint_id", "webhook_endpoint")``."""
    match = re.search(r"/(\w+)/\{(\w+)\}", path)
    return (match.group(2), _singular(match.group(1))) if match else None


def _component(document: dict, schema: dict | None) -> dict:
    if not schema:
        return {}
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return document.get("components", {}).get("schemas", {}).get(name, {})
    return schema


def _alternatives(document: dict, schema: dict) -> list[dict]:
    """The object schemas ``schema`` may be: itself, or those of its ``anyOf``/``oneOf``/``allOf``
    (e.g. a resource that ``?fields=`` can trim)."""
    component = _component(document, schema)
    nested = [
        option
        for keyword in ("anyOf", "oneOf", "allOf")
        for alternative in component.get(keyword, [])
        for option in _alternatives(document, alternative)
    ]
    return [component, *nested] if component.get("properties") else nested


def _object_name(document: dict, schema: dict) -> str | None:
    """The constant ``object`` of a resource schema (``"challenge"``), if it has an ``id``."""
    for alternative in _alternatives(document, schema):
        properties = alternative.get("properties", {})
        if "id" in properties and "object" in properties:
            enum = _component(document, properties["object"]).get("enum") or []
            if len(enum) == 1:
                return enum[0]
    return None


def _properties(document: dict, schema: dict | None) -> dict:
    """Every property ``schema`` may have, over its alternatives."""
    merged: dict = {}
    for alternative in _alternatives(document, schema or {}):
        for name, property_schema in alternative.get("properties", {}).items():
            merged.setdefault(name, property_schema)
    return merged


def _is_id_string(document: dict, schema: dict) -> bool:
    """A property holding an id: a string, or (with ``expand``) a string or the object."""
    schema = _component(document, schema) if "$ref" in schema else schema
    if schema.get("type") == "string":
        return True
    return any(option.get("type") == "string" for option in schema.get("oneOf", []))


def _json_schema(response: dict) -> dict | None:
    return response.get("content", {}).get("application/json", {}).get("schema")


def _id_sources(document: dict, method: str, path: str, response: dict) -> dict[str, str]:
    """object name (or path parameter) → runtime expression of the ids a 2xx response yields:
    the operations that create an object (a POST answering a resource other than its path's,
    e.g. a test ping's delivery, with the objects it references), change an object's state (a
    POST on it answering it) or list objects. Reads and updates yield no link: the id they
    answer is the one their caller already had."""
    schema = _json_schema(response)
    properties = _properties(document, schema)
    own = _path_resource(path)
    single = _object_name(document, schema) if schema else None
    if single is not None and method == "post" and own is not None and own[1] == single:
        # A state change (publish, accept…): its answer leads on to what the new state allows.
        return {single: "$response.body#/id"}
    if single is not None and method == "post":
        sources = {single: "$response.body#/id"}
        for name, property_schema in properties.items():
            if name not in ("id", "object") and _is_id_string(document, property_schema):
                sources.setdefault(f"{name}_id", f"$response.body#/{name}")
        return sources
    data = properties.get("data", {})
    if method == "get" and data.get("type") == "array":
        item = _object_name(document, data.get("items", {}))
        if item is not None:
            return {item: "$response.body#/data/0/id"}
    return {}


def _links_add(document: dict) -> None:
    """Link every id source to every operation whose path takes that id (see ``_id_sources``):
    by the resource's ``object`` name, or by a reference property named like the path parameter
    (an application's ``challenge`` → ``{challenge_id}``)."""
    targets: list[tuple[str, str, str]] = []  # (operationId, path parameter, object name)
    for path, operations in document.get("paths", {}).items():
        resource = _path_resource(path)
        if resource is None:
            continue
        for method, operation in operations.items():
            if method in METHODS and operation.get("operationId"):
                targets.append((operation["operationId"], *resource))
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in METHODS:
                continue
            for status, response in operation.get("responses", {}).items():
                if not status.startswith("2"):
                    continue
                sources = _id_sources(document, method, path, response)
                links = {}
                for operation_id, parameter, object_name in targets:
                    expression = sources.get(object_name)
                    if operation_id == operation.get("operationId"):
                        expression = None  # the same call on the same object again
                    expression = expression or sources.get(parameter)  # e.g. apply again
                    if expression is None:
                        continue
                    links[operation_id] = {
                        "operationId": operation_id,
                        "parameters": {parameter: expression},
                        "description": f"`{parameter}` is `{expression.split('#', 1)[1]}` "
                        "of this response.",
                    }
                if links:
                    response["links"] = links


def postprocess(result, generator, request, public):
    views = _views_by_operation(generator)
    components = result.setdefault("components", {})
    components.setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    info = result.setdefault("info", {})
    if NOT_ALLOWED_NOTE not in info.get("description", ""):
        info["description"] = info.get("description", "") + NOT_ALLOWED_NOTE
    # Body properties named like a path id (`application` for `{application_id}`) hold an id.
    reference_names = {
        name.removesuffix("_id")
        for path in result.get("paths", {})
        for name in re.findall(r"\{(\w+)\}", path)
    }
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in METHODS:
                continue
            view_class, handler = views.get((path, method), (None, None))
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
            body_references = tuple(
                sorted(set(_properties(result, body.get("schema"))) & reference_names)
            )
            is_idempotent = getattr(handler, "is_idempotent", False)
            is_gateway = _is_gateway_view(view_class)
            responses = operation.setdefault("responses", {})
            for status, description in problem_statuses(
                method=method,
                path=path,
                operation=operation,
                view_class=view_class,
                is_idempotent=is_idempotent,
                body_references=body_references,
            ).items():
                responses.setdefault(
                    status,
                    {
                        "description": description,
                        "content": {PROBLEM_CONTENT_TYPE: {"schema": PROBLEM_REF}},
                    },
                )
            for status, response in responses.items():
                response.setdefault("headers", {}).update(
                    _response_headers(status, is_idempotent=is_idempotent, is_gateway=is_gateway)
                )
            operation["responses"] = dict(sorted(responses.items()))
            if is_idempotent:
                parameters = operation.setdefault("parameters", [])
                if not any(p.get("name") == "Idempotency-Key" for p in parameters):
                    parameters.append(IDEMPOTENCY_PARAMETER)
    _links_add(result)
    return result
