"""WSGI entry point: every plain HTTP request (granian in `make run` and production; WebSockets go
to ``openchance.asgi`` instead, routed by the front on ``Upgrade: websocket``).

Django's ASGI handler costs three to five times a WSGI server's per-request overhead (README,
*Production*), so HTTP never goes through it. ``WsgiEdge`` keeps the guarantees that
``openchance.asgi.HttpEdge`` gives under an ASGI server, for a WSGI server that is reached
directly (in `make run` and production nginx settles them first, see ``deploy/nginx/``):

- **Request bodies travel with a Content-Length.** Django reads a body by its Content-Length
  only, so a chunked body would be seen as empty: any ``Transfer-Encoding`` is answered 411
  ``length_required`` before Django runs, on every route.
- **A target that is not a path** (``*``, authority-form) is answered 400
  ``invalid_request_target``. An absolute-form target (``GET http://host/path``) is served for
  its own authority where the server passes the target on (gunicorn's ``RAW_URI``); granian
  keeps only its path, which is why the front (nginx) sends the target's authority as Host.

Shutdown: each server process pushes its usage buffer to Redis as it exits. A granian worker is
a ``multiprocessing`` child, which ends with ``os._exit`` after its server stops, so ``atexit``
never runs there; ``multiprocessing.util.Finalize`` with an exit priority runs both when such a
child ends and at a normal interpreter exit (multiprocessing registers it with ``atexit``).
"""

import json
import multiprocessing.util
import os
import threading
from collections import OrderedDict
from urllib.parse import urlsplit

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openchance.settings")
django.setup(set_prefix=False)

from django.conf import settings  # noqa: E402
from django.core.handlers.exception import convert_exception_to_response  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.urls import get_resolver  # noqa: E402
from django.utils.module_loading import import_string  # noqa: E402

from api.gateway import usage_buffer_push  # noqa: E402
from core.middleware import is_api_path, request_id_new  # noqa: E402
from core.problems import PROBLEM_CONTENT_TYPE, problem_body  # noqa: E402

# URL resolutions kept per URLconf (the routes of a path never change while a process runs).
RESOLUTIONS_MAX_ENTRIES = 10_000


class PlatformWsgiHandler(WSGIHandler):
    """Django's WSGI handler, with a shorter way through for the API surface (``/v1/…`` and the
    probes, ``core.middleware.is_api_path``).

    Pages go through ``settings.MIDDLEWARE`` and Django's ``_get_response`` exactly as before.
    An API call goes through ``settings.API_MIDDLEWARE`` — the same middleware, in the same
    order, without those that pass API calls through untouched (``PageMiddleware`` and
    allauth's, see the settings) — and then ``_api_response``: Django's ``_get_response``
    without its page hooks (the view and template-response hooks are ``PageMiddleware``'s, which
    do nothing for API paths), with the route's resolution taken from a bounded per-URLconf
    cache. Exceptions still go through the exception middleware (``ApiEdgeMiddleware`` turns a
    database outage into 503), the request-started and -finished signals, the status line,
    response logging and closing stay Django's own (``WSGIHandler.__call__``, ``get_response``).
    ``openchance/tests/test_wsgi_handler.py`` holds the answers of both ways equal, route by
    route. The cost this saves: README, *Benchmarks*."""

    def load_middleware(self, is_async=False):
        super().load_middleware(is_async)
        handler = convert_exception_to_response(self._api_response)
        for path in reversed(settings.API_MIDDLEWARE):
            handler = convert_exception_to_response(import_string(path)(handler))
        self._api_chain = handler
        self._page_chain = self._middleware_chain
        self._middleware_chain = self._chain_of_request

    def _chain_of_request(self, request):
        if is_api_path(request.path_info):
            return self._api_chain(request)
        return self._page_chain(request)

    def _api_response(self, request):
        resolver = get_resolver(getattr(request, "urlconf", None))
        match, callback = _resolutions_of(resolver).resolve(request.path_info, self)
        request.resolver_match = match
        try:
            response = callback(request, *match.args, **match.kwargs)
        except Exception as exc:
            response = self.process_exception_by_middleware(exc, request)
            if response is None:
                raise
        self.check_response(response, callback)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        return response


class _Resolutions:
    """One URLconf's resolved paths, LRU-bounded: the match and the view as Django would call
    it (``make_view_atomic``). Kept on the resolver object itself, so that whatever makes Django
    build new resolvers (``clear_url_caches``, a changed ``ROOT_URLCONF`` in tests) starts
    afresh. A path that resolves to nothing raises ``Resolver404`` as before and is not kept."""

    def __init__(self, resolver):
        self._resolver = resolver
        self._matches: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def resolve(self, path: str, handler: WSGIHandler):
        with self._lock:
            found = self._matches.get(path)
            if found is not None:
                self._matches.move_to_end(path)
                return found
        match = self._resolver.resolve(path)
        found = (match, handler.make_view_atomic(match.func))
        with self._lock:
            self._matches[path] = found
            while len(self._matches) > RESOLUTIONS_MAX_ENTRIES:
                self._matches.popitem(last=False)
        return found


_RESOLUTIONS_LOCK = threading.Lock()


def _resolutions_of(resolver) -> _Resolutions:
    resolutions = resolver.__dict__.get("_openchance_resolutions")
    if resolutions is None:
        with _RESOLUTIONS_LOCK:
            resolutions = resolver.__dict__.setdefault(
                "_openchance_resolutions", _Resolutions(resolver)
            )
    return resolutions


django_application = PlatformWsgiHandler()

_STATUS_LINES = {400: "400 Bad Request", 411: "411 Length Required"}


class WsgiEdge:
    """WSGI middleware for every request (see module)."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        if "HTTP_TRANSFER_ENCODING" in environ:
            return _problem(
                start_response,
                status=411,
                code="length_required",
                title="Length required",
                detail=(
                    "Send the request body with a Content-Length header; Transfer-Encoding "
                    "(chunked bodies) is not supported."
                ),
            )
        if not environ.get("PATH_INFO", "").startswith("/"):
            return _problem(
                start_response,
                status=400,
                code="invalid_request_target",
                title="Invalid request target",
                detail="The request target must be a path (or an absolute URL).",
            )
        raw_target = environ.get("RAW_URI", "/")
        if raw_target[:1] != "/" and "://" in raw_target:
            # RFC 9112 §3.2.2: the target's authority replaces the Host header (userinfo is never
            # part of the host); the server already took the path from it.
            authority = urlsplit(raw_target).netloc.rpartition("@")[2]
            if authority:
                environ["HTTP_HOST"] = authority
        return self.application(environ, start_response)


def _problem(start_response, *, status: int, code: str, title: str, detail: str):
    request_id = request_id_new()
    body = problem_body(status=status, code=code, title=title, detail=detail, request=None)
    body["request_id"] = request_id
    content = json.dumps(body).encode()
    start_response(
        _STATUS_LINES[status],
        [
            ("Content-Type", PROBLEM_CONTENT_TYPE),
            ("Content-Length", str(len(content))),
            ("X-Request-Id", request_id),
        ],
    )
    return [content]


# Kept referenced by multiprocessing's registry until the process exits (see module).
_usage_push_at_exit = multiprocessing.util.Finalize(None, usage_buffer_push, exitpriority=10)

application = WsgiEdge(django_application)
