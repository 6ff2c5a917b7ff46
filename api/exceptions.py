"""The REST framework's exception handler: every error under /v1 as RFC 9457 problem+json.

Set as ``REST_FRAMEWORK["EXCEPTION_HANDLER"]``. Maps DRF's exceptions, Django's ``Http404`` /
``PermissionDenied`` / ``RequestDataTooBig`` / ``SuspiciousOperation`` (e.g. more query
parameters than ``DATA_UPLOAD_MAX_NUMBER_FIELDS``: 400), django-ratelimit's ``Ratelimited``
(429, never 403), every ``core.errors.DomainError`` (its status, code and title; ``extra``
merged into the body; gateway errors add their headers) and anything unexpected (500
``internal_error``, logged with the request id, no internals in the body).
"""

import logging

from django.conf import settings
from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
)
from django.http import Http404
from django_ratelimit.exceptions import Ratelimited
from rest_framework import exceptions as drf
from rest_framework.response import Response

from api.gateway.database import DatabaseUnavailableError, database_is_unavailable
from core.errors import DomainError
from core.problems import PROBLEM_CONTENT_TYPE, problem_body

logger = logging.getLogger(__name__)

INTERNAL_ERROR_DETAIL = (
    "Something went wrong on our side; the request id identifies it in our logs."
)


def _problem(request, *, status, code, title, detail, headers=None, **extra) -> Response:
    body = problem_body(
        status=status, code=code, title=title, detail=detail, request=request, **extra
    )
    return Response(body, status=status, headers=headers, content_type=PROBLEM_CONTENT_TYPE)


def _validation_errors(detail) -> dict:
    if isinstance(detail, dict):
        return detail
    return {"non_field_errors": detail if isinstance(detail, list) else [detail]}


def _retry_after(exc) -> dict[str, str]:
    wait = getattr(exc, "wait", None)
    return {"Retry-After": str(max(1, int(wait + 0.999)))} if wait is not None else {}


def problem_exception_handler(exc: Exception, context: dict) -> Response:
    """Turn ``exc`` into a problem response (see module docstring)."""
    view = context.get("view")
    request = getattr(context.get("request"), "_request", context.get("request"))

    if database_is_unavailable(exc):  # PostgreSQL down or saturated: 503, never 500
        exc = DatabaseUnavailableError.from_database_error(exc)
    if isinstance(exc, DomainError):
        return _problem(
            request,
            status=exc.status,
            code=exc.code,
            title=exc.title,
            detail=exc.detail,
            headers=getattr(exc, "headers", None),
            **exc.extra,
        )
    if isinstance(exc, drf.ValidationError):
        return _problem(
            request,
            status=400,
            code="validation_error",
            title="Invalid request",
            detail="The request has invalid fields; see 'errors'.",
            errors=_validation_errors(exc.detail),
        )
    if isinstance(exc, drf.ParseError):
        return _problem(
            request,
            status=400,
            code="invalid_json",
            title="Malformed request body",
            detail=f"The request body could not be parsed: {exc.detail}",
        )
    if isinstance(exc, drf.NotAuthenticated | drf.AuthenticationFailed):
        return _problem(
            request,
            status=401,
            code="invalid_api_key",
            title="Invalid API key",
            detail=str(exc.detail),
            headers={"WWW-Authenticate": 'Bearer realm="openchance"'},
        )
    if isinstance(exc, drf.NotFound | Http404):
        return _problem(
            request,
            status=404,
            code="not_found",
            title="Not found",
            detail=str(getattr(exc, "detail", "")) or "Not found.",
        )
    if isinstance(exc, drf.MethodNotAllowed):
        allowed = ", ".join(view.allowed_methods) if view is not None else ""
        return _problem(
            request,
            status=405,
            code="method_not_allowed",
            title="Method not allowed",
            detail=f"{request.method} is not allowed here; allowed: {allowed}.",
            headers={"Allow": allowed},
        )
    if isinstance(exc, drf.UnsupportedMediaType):
        return _problem(
            request,
            status=415,
            code="unsupported_media_type",
            title="Unsupported media type",
            detail=f"{exc.detail} Send 'Content-Type: application/json'.",
        )
    if isinstance(exc, drf.NotAcceptable):
        return _problem(
            request,
            status=406,
            code="not_acceptable",
            title="Not acceptable",
            detail="This API answers application/json (and application/problem+json).",
        )
    if isinstance(exc, Ratelimited | drf.Throttled):
        return _problem(
            request,
            status=429,
            code="rate_limited",
            title="Rate limit exceeded",
            detail="Too many requests to this endpoint; retry later.",
            headers=_retry_after(exc),
        )
    if isinstance(exc, RequestDataTooBig):
        return payload_too_large(request)
    if isinstance(exc, SuspiciousOperation):
        # Django refusing what it parses for us (query strings, headers); logged by Django's
        # "django.security" logger when it happens outside a view, here at warning level.
        logger.warning("suspicious request refused: %s", exc.__class__.__name__)
        detail = (
            f"Too many parameters (at most {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS:,})."
            if isinstance(exc, TooManyFieldsSent)
            else "The request was refused as malformed."
        )
        return _problem(request, status=400, code="bad_request", title="Bad request", detail=detail)
    if isinstance(exc, drf.PermissionDenied | PermissionDenied):
        return _problem(
            request,
            status=403,
            code="permission_denied",
            title="Permission denied",
            detail=str(getattr(exc, "detail", "")) or "You may not do this.",
        )
    if isinstance(exc, drf.APIException):
        return _problem(
            request,
            status=exc.status_code,
            code=str(getattr(exc, "default_code", "error")),
            title=str(exc.default_detail),
            detail=str(exc.detail),
        )
    logger.exception(
        "unhandled error in %s (request %s)",
        view.__class__.__name__ if view is not None else "?",
        getattr(request, "request_id", None),
        exc_info=exc,
    )
    return _problem(
        request,
        status=500,
        code="internal_error",
        title="Internal server error",
        detail=INTERNAL_ERROR_DETAIL,
    )


def payload_too_large(request) -> Response:
    return _problem(
        request,
        status=413,
        code="payload_too_large",
        title="Payload too large",
        detail=(
            f"The request body exceeds {settings.DATA_UPLOAD_MAX_MEMORY_SIZE:,} bytes; "
            "send less per call."
        ),
        limit_bytes=settings.DATA_UPLOAD_MAX_MEMORY_SIZE,
    )


class PayloadTooLargeError(DomainError):
    status = 413
    code = "payload_too_large"
    title = "Payload too large"


class LengthRequiredError(DomainError):
    status = 411
    code = "length_required"
    title = "Length required"
