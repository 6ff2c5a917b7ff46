"""Typed errors: one class per problem ``code`` family, each carrying the problem's fields and the
``request_id`` to quote to support. ``error_from_problem`` picks the class by ``code`` first and
by HTTP status otherwise, so a code this version does not know still maps to a useful class."""

from __future__ import annotations

from typing import Any


class OpenChanceError(Exception):
    """Every error the SDK raises. ``status`` is None for errors that have no HTTP answer."""

    status: int | None = None

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        request_id: str | None = None,
        problem: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status
        self.code = code
        self.request_id = request_id
        self.problem: dict[str, Any] = problem or {}
        self.headers: dict[str, str] = headers or {}

    def __str__(self) -> str:
        suffix = f" (request_id {self.request_id})" if self.request_id else ""
        return f"{self.message}{suffix}"


class ApiConnectionError(OpenChanceError):
    """No HTTP answer: the connection failed or timed out (after the retries)."""


class ApiError(OpenChanceError):
    """An ``application/problem+json`` answer (or any other 4xx/5xx)."""


class BadRequestError(ApiError):
    status = 400


class ValidationError(BadRequestError):
    """400 ``validation_error``: ``errors`` holds the messages per field (nested for objects)."""

    @property
    def errors(self) -> dict[str, Any]:
        errors = self.problem.get("errors")
        return errors if isinstance(errors, dict) else {}


class InvalidApiKeyError(ApiError):
    status = 401


class PaymentRequiredError(ApiError):
    """402 ``payment_required`` or ``spend_cap_reached``."""

    status = 402


class PermissionDeniedError(ApiError):
    """403 ``insufficient_scope`` (``required_scope`` in the problem) or ``tenant_suspended``."""

    status = 403


class NotFoundError(ApiError):
    status = 404


class ConflictError(ApiError):
    """409: the object's state refuses the action (``invalid_state_transition``), or another
    conflict."""

    status = 409


class RequestInFlightError(ConflictError):
    """409 ``idempotency_request_in_flight``: a request with the same Idempotency-Key is still
    running (retried automatically)."""


class UnprocessableError(ApiError):
    """422: a business rule refuses the request (``business_rule_violation`` or a rule code)."""

    status = 422


class IdempotencyKeyReusedError(UnprocessableError):
    """422 ``idempotency_key_reused``: the key was used with another request."""


class RateLimitedError(ApiError):
    """429 ``rate_limited`` / ``quota_exceeded`` / ``too_many_failed_authentications``;
    ``retry_after`` is the server's wait in seconds."""

    status = 429

    @property
    def retry_after(self) -> float | None:
        value = self.headers.get("retry-after", self.problem.get("retry_after"))
        try:
            return float(value) if value is not None else None
        except (TypeError, ValueError):
            return None


class QuotaExceededError(RateLimitedError):
    """429 ``quota_exceeded``: the plan's monthly calls are used up."""


class ServerError(ApiError):
    """5xx: our side failed; ``request_id`` identifies it."""


class ServiceUnavailableError(ServerError):
    """503 (``database_unavailable``, ``service_unavailable``, …); retried automatically."""


BY_CODE: dict[str, type[ApiError]] = {
    "validation_error": ValidationError,
    "invalid_api_key": InvalidApiKeyError,
    "insufficient_scope": PermissionDeniedError,
    "tenant_suspended": PermissionDeniedError,
    "payment_required": PaymentRequiredError,
    "spend_cap_reached": PaymentRequiredError,
    "not_found": NotFoundError,
    "idempotency_request_in_flight": RequestInFlightError,
    "idempotency_key_reused": IdempotencyKeyReusedError,
    "rate_limited": RateLimitedError,
    "quota_exceeded": QuotaExceededError,
    "too_many_failed_authentications": RateLimitedError,
}
BY_STATUS: dict[int, type[ApiError]] = {
    400: BadRequestError,
    401: InvalidApiKeyError,
    402: PaymentRequiredError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableError,
    429: RateLimitedError,
    503: ServiceUnavailableError,
}


def error_from_problem(status: int, body: Any, headers: dict[str, str]) -> ApiError:
    """The typed error for an error answer (``body`` the parsed JSON, or anything else)."""
    problem = body if isinstance(body, dict) else {}
    code = problem.get("code") if isinstance(problem.get("code"), str) else None
    cls = BY_CODE.get(code or "") or BY_STATUS.get(status)
    if cls is None:
        cls = ServerError if status >= 500 else ApiError
    message = str(problem.get("detail") or problem.get("title") or f"HTTP {status}")
    request_id = problem.get("request_id") or headers.get("x-request-id")
    return cls(
        message,
        status=status,
        code=code,
        request_id=request_id if isinstance(request_id, str) else None,
        problem=problem,
        headers=headers,
    )
