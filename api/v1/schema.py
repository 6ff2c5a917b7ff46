"""OpenAPI post-processing: what every /v1 operation shares, added in one place.

drf-spectacular describes each view's own parameters, bodies and success responses; this hook adds
the rest of the contract: the ``Problem`` schema (RFC 9457) and the error responses each kind of
operation can give, the response headers every call carries (request id, rate limits) and the
``Idempotency-Key`` header of the operations that honour it (``@idempotent`` handlers).
"""

import re

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}

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

ERROR_DESCRIPTIONS = {
    "400": "Invalid parameters or body (`validation_error`, with per-field `errors`).",
    "401": "Missing, malformed, unknown, revoked or expired API key, or one of another tenant.",
    "403": "The key lacks the scope (`insufficient_scope`) or the tenant is suspended.",
    "404": "No such object (or route) for this key's tenant and mode.",
    "409": "Illegal state transition (`invalid_state_transition`, naming the allowed ones), "
    "a conflict, or the same `Idempotency-Key` still in flight.",
    "413": "The body is too large.",
    "415": "The body is not `application/json`.",
    "422": "A business rule refuses the request, or an `Idempotency-Key` was reused with "
    "another body.",
    "429": "Rate limit or monthly quota exceeded; see `Retry-After`.",
    "500": "Our fault; the `request_id` identifies it.",
}

RESPONSE_HEADERS = {
    "X-Request-Id": "Identifies the request in logs and support requests.",
    "X-RateLimit-Limit": "Burst size of the key's bucket.",
    "X-RateLimit-Remaining": "Tokens left in the bucket.",
    "X-RateLimit-Reset": "Seconds until the bucket is full again.",
}

IDEMPOTENCY_PARAMETER = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Make retries safe: the same key with the same request replays the first "
    "(2xx) response for 24 hours; with another request → 422; while the first is running → 409.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"},
}


def _error_codes(method: str, path: str) -> list[str]:
    codes = ["401", "403", "404", "429", "500"]
    if method == "get":
        codes.append("400")
    if method in ("post", "patch", "put"):
        codes += ["400", "409", "413", "415", "422"]
    if method == "delete":
        codes.append("409")
    return sorted(set(codes))


def _idempotent_operations(generator) -> set[tuple[str, str]]:
    """(path, method) of every operation whose handler is wrapped by ``@idempotent``."""
    operations = set()
    for path, _, method, callback in generator.endpoints or ():
        view_class = getattr(callback, "cls", None)
        handler = getattr(view_class, method.lower(), None)
        if getattr(handler, "is_idempotent", False):
            operations.add((re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", path), method.lower()))
    return operations


def postprocess(result, generator, request, public):
    idempotent = _idempotent_operations(generator)
    components = result.setdefault("components", {})
    components.setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    headers = {
        name: {"description": description, "schema": {"type": "string"}}
        for name, description in RESPONSE_HEADERS.items()
    }
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in ("get", "post", "patch", "put", "delete"):
                continue
            responses = operation.setdefault("responses", {})
            for response in responses.values():
                response.setdefault("headers", {}).update(headers)
            for code in _error_codes(method, path):
                responses.setdefault(
                    code,
                    {
                        "description": ERROR_DESCRIPTIONS[code],
                        "headers": headers,
                        "content": {"application/problem+json": {"schema": PROBLEM_REF}},
                    },
                )
            if (path, method) in idempotent:
                parameters = operation.setdefault("parameters", [])
                if not any(p.get("name") == "Idempotency-Key" for p in parameters):
                    parameters.append(IDEMPOTENCY_PARAMETER)
    return result
