"""GraphQL errors with the REST problem codes.

Every error a resolver raises is rendered with ``extensions`` holding what the REST problem body
would hold: ``code`` (``not_found``, ``invalid_state_transition``, ``validation_error`` …),
``status`` (the HTTP status REST answers with), the problem's extra members (``allowed``,
``required_scope``, ``errors`` — per-field messages, with the REST field names — …) and the
``request_id``. Anything unexpected is ``internal_error``, logged with the request id, with no
internals in the message. Errors of the document itself (syntax, validation, limits, cost) are
``graphql_parse_failed`` / ``graphql_validation_failed`` / ``query_too_complex`` /
``query_cost_exceeded`` and are answered before anything runs.
"""

import logging

from graphql import GraphQLError
from rest_framework.exceptions import ValidationError

from api.exceptions import INTERNAL_ERROR_DETAIL
from api.gateway.database import DatabaseUnavailableError, database_is_unavailable
from core.errors import DomainError

logger = logging.getLogger(__name__)


class GraphQLRequestError(DomainError):
    """A request GraphQL cannot run (bad body, document, limits): answered with HTTP ``status``
    and ``{"errors": [...]}``, no ``data``."""

    status = 400
    code = "graphql_validation_failed"
    title = "Invalid GraphQL request"


def _validation_errors(detail) -> dict:
    if isinstance(detail, dict):
        return detail
    return {"non_field_errors": detail if isinstance(detail, list) else [detail]}


def exception_extensions(exc: BaseException | None, *, request_id: str) -> tuple[str, dict]:
    """(message, extensions) for an error raised while resolving a field."""
    if exc is not None and database_is_unavailable(exc):
        exc = DatabaseUnavailableError.from_database_error(exc)
    if isinstance(exc, DomainError):
        extensions = {"code": exc.code, "status": exc.status, **_jsonable(exc.extra)}
        return exc.detail, {**extensions, "request_id": request_id}
    if isinstance(exc, ValidationError):
        return (
            "The input has invalid fields; see 'extensions.errors'.",
            {
                "code": "validation_error",
                "status": 400,
                "errors": _validation_errors(exc.detail),
                "request_id": request_id,
            },
        )
    logger.error("GraphQL resolver failed (request %s)", request_id, exc_info=exc)
    return INTERNAL_ERROR_DETAIL, {
        "code": "internal_error",
        "status": 500,
        "request_id": request_id,
    }


def _jsonable(extra: dict) -> dict:
    return {name: value for name, value in extra.items() if name != "headers"}


def error_format(error: GraphQLError, *, request_id: str) -> dict:
    """One entry of the response's ``errors``. Errors without an original exception are the
    document's own (GraphQL validation, variable coercion): ``graphql_validation_failed``."""
    original = error.original_error
    if original is None or isinstance(original, GraphQLError):
        formatted = error.formatted
        extensions = {
            "code": "graphql_validation_failed",
            "status": 400,
            **(error.extensions or {}),
            "request_id": request_id,
        }
        return {**formatted, "extensions": extensions}
    message, extensions = exception_extensions(original, request_id=request_id)
    formatted = {"message": message, "extensions": extensions}
    if error.locations:
        formatted["locations"] = [
            {"line": location.line, "column": location.column} for location in error.locations
        ]
    if error.path:
        formatted["path"] = list(error.path)
    return formatted


def status_of(errors: list[dict]) -> int:
    """The most telling status among field errors (for metering excerpts and logs; the HTTP answer
    of an executed document is 200)."""
    statuses = [error["extensions"].get("status", 400) for error in errors]
    return max(statuses) if statuses else 200
