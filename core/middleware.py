"""The outermost middleware: a request id for every request, problem+json for every API error.

Request ids. Every request gets an id of ours, ``req_<32 hex>``: it is the ``X-Request-Id``
response header, the ``request_id`` of problem bodies, events and the usage record, and the
unique key of the request log. It is never taken from the client — a client that repeated its own
id would otherwise make many calls share one id and one request-log row. A caller's own id (a
load balancer's, a client's trace id) sent as ``X-Request-Id`` is kept, when it looks sane, as
``request.client_request_id`` and echoed in ``X-Client-Request-Id``; anything else is dropped.

API errors. Django answers some failures itself, outside any view of ours: with ``DEBUG`` on, a
404 or an uncaught exception becomes its HTML debug page (``handler404``/``handler500`` only apply
with ``DEBUG`` off), and a few refusals (``SuspiciousOperation``, a too-large form) are HTML in
any mode. On the API surface — the shared API host, unknown hosts, ``/v1`` on every host and the
probes — such an answer is replaced here by the problem+json of the same status (Django has
logged the exception already). Pages of a known host (the portal, the operator admin) keep
Django's pages, debug ones included.

Page middleware. Sessions, CSRF, authentication, messages, frame options, static files and
CommonMiddleware do nothing for an API call — a bearer key, no cookie, no form, no frame — yet
cost a good share of a warm call's CPU. ``PageMiddleware`` runs them (``settings.PAGE_MIDDLEWARE``,
in that order, with their view/exception/template hooks) for every request except those of the
API surface by path (``/v1/…``, ``/healthz``, ``/livez``), which skip them. ``RequestIdMiddleware``
sets ``Content-Length`` where CommonMiddleware would have.
"""

import hashlib
import itertools
import os
import re
from http import HTTPStatus

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.core.handlers.exception import convert_exception_to_response
from django.http import HttpRequest, HttpResponse
from django.utils.module_loading import import_string

from core.context import request_context_reset, request_context_set
from core.headers import headers_set
from core.problems import problem_response

# A caller's id worth echoing: short, and nothing that could split a header or a log line.
_ACCEPTABLE_CLIENT_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")
CLIENT_REQUEST_ID_HEADER = "X-Client-Request-Id"

_API_PATH_PREFIXES = ("/v1/", "/healthz", "/livez")
_JSON_CONTENT_TYPES = ("application/json", "application/problem+json")
# Headers of the replaced answer that still hold for the problem that replaces it.
_KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")
_CODES = {
    400: ("bad_request", "Bad request"),
    403: ("permission_denied", "Permission denied"),
    404: ("not_found", "Not found"),
    405: ("method_not_allowed", "Method not allowed"),
    413: ("payload_too_large", "Payload too large"),
    500: ("internal_error", "Internal server error"),
}


class _RequestIds:
    """``req_`` and 128 bits that look random and never repeat: this process's counter keyed
    through BLAKE2b with a secret of the process (drawn again in a forked child, so two workers
    never share a sequence). Unique like a counter, unguessable like random bits (an id tells
    nothing of the process's traffic), and without a system call: ``os.urandom`` releases the
    GIL, and under a few server threads every release costs a thread switch (README,
    *Benchmarks*)."""

    def __init__(self):
        self._rekey()
        os.register_at_fork(after_in_child=self._rekey)

    def _rekey(self) -> None:
        self._key = os.urandom(32)
        self._counter = itertools.count()

    def new(self) -> str:
        data = next(self._counter).to_bytes(8, "little")
        return f"req_{hashlib.blake2b(data, key=self._key, digest_size=16).hexdigest()}"


_request_ids = _RequestIds()


def request_id_new() -> str:
    return _request_ids.new()


def is_api_path(path: str) -> bool:
    """Whether ``path`` belongs to the API surface on every host: /v1/… and the probes."""
    return path.startswith(_API_PATH_PREFIXES)


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.request_id = request_id_new()
        # META, not request.headers: that builds a mapping of every header on first use.
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request.client_request_id = (
            incoming if _ACCEPTABLE_CLIENT_REQUEST_ID.match(incoming) else ""
        )
        token = request_context_set(request_id=request.request_id)
        try:
            response = self.get_response(request)
        finally:
            request_context_reset(token)
        if response.status_code >= 400 and _is_api_surface(request) and not _is_json(response):
            response = _problem_instead(request, response)
        headers = [("X-Request-Id", request.request_id)]
        if request.client_request_id:
            headers.append((CLIENT_REQUEST_ID_HEADER, request.client_request_id))
        if not response.streaming and "Content-Length" not in response:
            # What CommonMiddleware does for pages; API calls skip it (PageMiddleware).
            headers.append(("Content-Length", str(len(response.content))))
        headers_set(response, headers)
        return response


class PageMiddleware:
    """``settings.PAGE_MIDDLEWARE`` for every request but the API surface's (see module).

    The inner middleware are chained as Django's handler chains ``MIDDLEWARE`` (each wrapped by
    ``convert_exception_to_response``), and their ``process_view``, ``process_template_response``
    and ``process_exception`` hooks run, in Django's order, from this middleware's own hooks —
    for pages only, so CSRF protection applies to every page exactly as before."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._view_hooks: list = []
        self._template_hooks: list = []
        self._exception_hooks: list = []
        handler = get_response
        for path in reversed(settings.PAGE_MIDDLEWARE):
            try:
                middleware = import_string(path)(handler)
            except MiddlewareNotUsed:
                continue
            if hasattr(middleware, "process_view"):
                self._view_hooks.insert(0, middleware.process_view)
            if hasattr(middleware, "process_template_response"):
                self._template_hooks.append(middleware.process_template_response)
            if hasattr(middleware, "process_exception"):
                self._exception_hooks.append(middleware.process_exception)
            handler = convert_exception_to_response(middleware)
        self._pages = handler

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_api_path(request.path_info):
            return self.get_response(request)
        return self._pages(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if is_api_path(request.path_info):
            return None
        for hook in self._view_hooks:
            response = hook(request, view_func, view_args, view_kwargs)
            if response is not None:
                return response
        return None

    def process_template_response(self, request, response):
        if is_api_path(request.path_info):
            return response
        for hook in self._template_hooks:
            response = hook(request, response)
        return response

    def process_exception(self, request, exception):
        if is_api_path(request.path_info):
            return None
        for hook in self._exception_hooks:
            response = hook(request, exception)
            if response is not None:
                return response
        return None


def _is_api_surface(request: HttpRequest) -> bool:
    path = request.path_info
    if path == "/v1" or is_api_path(path):
        return True
    # Set by tenants.middleware once the host is known: "tenant"/"public" hosts serve pages.
    is_known_page_host = getattr(request, "host_kind", None) in ("tenant", "public")
    return not (is_known_page_host and getattr(request, "tenant", None) is not None)


def _is_json(response: HttpResponse) -> bool:
    return response.get("Content-Type", "").startswith(_JSON_CONTENT_TYPES)


def _problem_instead(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    status = response.status_code
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Error"
    code, title = _CODES.get(status, (re.sub(r"\W+", "_", phrase.lower()).strip("_"), phrase))
    if status == 404:
        detail = f"No route matches {request.method} {request.path}."
    elif status >= 500:
        detail = "Something went wrong on our side; the request id identifies it in our logs."
    else:
        detail = f"The request was refused ({status} {phrase})."
    problem = problem_response(
        status=status, code=code, title=title, detail=detail, request=request
    )
    for name in _KEPT_HEADERS:
        if name in response:
            problem[name] = response[name]
    response.close()
    return problem
