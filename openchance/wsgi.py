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
from urllib.parse import urlsplit

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openchance.settings")
django_application = get_wsgi_application()

from api.gateway import usage_buffer_push  # noqa: E402
from core.middleware import request_id_new  # noqa: E402
from core.problems import PROBLEM_CONTENT_TYPE, problem_body  # noqa: E402

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
