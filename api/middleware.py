"""``ApiEdgeMiddleware``: what the API needs settled around every request, right inside
``core.middleware.RequestIdMiddleware`` (so every answer below still gets its request id).

- **The client address** the gateway's failed-authentication limit applies to
  (``api.gateway.auth_guard.client_address_of``) is bound for the request, so
  ``key_authenticate`` counts failures per address whichever protocol layer calls it.
- **PostgreSQL unavailable → 503, never 500.** REST views map database errors themselves
  (``api.exceptions``); here the rest of the stack: a view outside DRF (``process_exception``)
  and a middleware below this one (host resolution, sessions), whose exception Django has already
  turned into a 500 — recognised through ``got_request_exception``, which Django sends while the
  exception is being handled. The answer is problem+json ``database_unavailable`` with
  ``Retry-After`` on the API surface, and a plain 503 page with ``Retry-After`` on portal pages.
"""

import sys

from django.core.signals import got_request_exception
from django.http import HttpRequest, HttpResponse

from api.gateway.auth_guard import client_address_of, client_address_reset, client_address_set
from api.gateway.database import DatabaseUnavailableError, database_is_unavailable
from core.problems import problem_response

_DATABASE_ERROR_ATTRIBUTE = "_openchance_database_error"
_PAGE = (
    "<!doctype html><title>Temporarily unavailable</title>"
    "<h1>Temporarily unavailable</h1><p>Please try again in a few seconds.</p>"
)


class ApiEdgeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = client_address_set(client_address_of(request))
        try:
            response = self.get_response(request)
        finally:
            client_address_reset(token)
        error = getattr(request, _DATABASE_ERROR_ATTRIBUTE, None)
        if response.status_code == 500 and error is not None:
            response.close()
            return database_unavailable_response(request, error)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception):
        if database_is_unavailable(exception):
            return database_unavailable_response(request, exception)
        return None


def database_unavailable_response(request: HttpRequest, exc: BaseException) -> HttpResponse:
    error = DatabaseUnavailableError.from_database_error(exc)
    if _is_page(request):
        response = HttpResponse(_PAGE, status=error.status, headers=error.headers)
        return response
    return problem_response(
        status=error.status,
        code=error.code,
        title=error.title,
        detail=error.detail,
        request=request,
        headers=error.headers,
        **error.extra,
    )


def _is_page(request: HttpRequest) -> bool:
    """A portal or admin page of a known host (as ``core.middleware`` tells pages from API)."""
    if request.path_info == "/v1" or request.path_info.startswith(("/v1/", "/healthz", "/livez")):
        return False
    return getattr(request, "host_kind", None) in ("tenant", "public") and (
        getattr(request, "tenant", None) is not None
    )


def _remember_database_error(sender, request=None, **kwargs) -> None:
    exc = sys.exc_info()[1]
    if request is not None and exc is not None and database_is_unavailable(exc):
        setattr(request, _DATABASE_ERROR_ATTRIBUTE, exc)


got_request_exception.connect(_remember_database_error, dispatch_uid="openchance-database-error")
