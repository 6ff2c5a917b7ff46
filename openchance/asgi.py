"""ASGI entry point: WebSockets (``/v1/ws``) through Channels (``api.ws``); HTTP through Django.

In `make run` and production this server gets WebSocket upgrades only: nginx sends every plain
HTTP request to the WSGI server (``openchance.wsgi``), which serves it several times cheaper than
Django's ASGI handler. HTTP here serves tests and anyone who runs uvicorn alone.

HTTP requests pass ``HttpEdge`` first, which settles two things before Django sees them:

- **Request bodies travel with a Content-Length.** Django reads a body by its Content-Length
  only, and its ASGI handler reads the whole body to a temporary file *before* any middleware
  runs; a chunked body would be read without bound and then seen as empty (or cut to a
  Content-Length sent beside it). Any ``Transfer-Encoding`` is answered 411 ``length_required``
  without reading a byte of the body (``openchance.wsgi`` does the same under a WSGI server).
- **Absolute-form request targets** (``GET http://host/path HTTP/1.1``, RFC 9112 §3.2.2) are
  served as the origin-form request they mean: the target's authority replaces the Host header
  (as the RFC requires) and its path is the path. Any other target that is not a path (``*``,
  authority-form) is answered 400 ``invalid_request_target``. This needs the raw target that
  uvicorn's h11 parser passes on; its httptools parser keeps only the path (``api.testing`` runs
  uvicorn with h11; in `make run` nginx sends the target's authority as Host).

``lifespan``: uvicorn re-raises SIGTERM after its graceful shutdown, so the process ends by the
signal and ``atexit`` handlers never run; the usage records still in this process's buffer (up
to ``USAGE_PUSH_INTERVAL`` of metered calls and stream messages) are pushed to Redis on
``lifespan.shutdown`` instead, after the last connection has closed.
"""

import asyncio
import json
import os
import re
from urllib.parse import unquote, urlsplit

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openchance.settings")
# Set up Django (apps, settings) before importing anything that touches models.
django_application = get_asgi_application()

from channels.routing import ProtocolTypeRouter  # noqa: E402

from api.gateway import usage_buffer_push  # noqa: E402
from api.graphql.ws import graphql_websocket_application  # noqa: E402
from api.ws import websocket_application  # noqa: E402
from core.middleware import request_id_new  # noqa: E402
from core.problems import PROBLEM_CONTENT_TYPE, problem_body  # noqa: E402

_ABSOLUTE_FORM = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


class HttpEdge:
    """ASGI middleware for HTTP requests (see module)."""

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.application(scope, receive, send)
        if any(name.lower() == b"transfer-encoding" for name, _value in scope["headers"]):
            return await _problem_send(
                send,
                status=411,
                code="length_required",
                title="Length required",
                detail=(
                    "Send the request body with a Content-Length header; Transfer-Encoding "
                    "(chunked bodies) is not supported."
                ),
            )
        if not scope["path"].startswith("/"):
            scope = _origin_form(scope)
            if scope is None:
                return await _problem_send(
                    send,
                    status=400,
                    code="invalid_request_target",
                    title="Invalid request target",
                    detail="The request target must be a path (or an absolute URL).",
                )
        return await self.application(scope, receive, send)


def _origin_form(scope: dict) -> dict | None:
    """``scope`` of an absolute-form request rewritten to origin form; None for other targets."""
    raw_target = scope.get("raw_path") or scope["path"].encode("latin-1", "replace")
    target = raw_target.decode("latin-1")
    if not _ABSOLUTE_FORM.match(target):
        return None
    parts = urlsplit(target)
    authority = parts.netloc.rpartition("@")[2]  # userinfo is never part of the host
    if not authority:
        return None
    raw_path = parts.path or "/"
    headers = [(name, value) for name, value in scope["headers"] if name.lower() != b"host"]
    headers.append((b"host", authority.encode("latin-1")))
    return {
        **scope,
        "path": unquote(raw_path),  # as uvicorn decodes a path (invalid UTF-8: U+FFFD)
        "raw_path": raw_path.encode("latin-1"),
        "headers": headers,
    }


async def _problem_send(send, *, status: int, code: str, title: str, detail: str) -> None:
    request_id = request_id_new()
    body = problem_body(status=status, code=code, title=title, detail=detail, request=None)
    body["request_id"] = request_id
    content = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", PROBLEM_CONTENT_TYPE.encode()),
                (b"content-length", str(len(content)).encode()),
                (b"x-request-id", request_id.encode()),
                # The body (if any) was not read: this connection cannot carry another request.
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": content})


async def lifespan(scope, receive, send) -> None:
    """ASGI lifespan protocol: nothing to do on startup; push the usage buffer on shutdown."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await asyncio.to_thread(usage_buffer_push)
            await send({"type": "lifespan.shutdown.complete"})
            return


_event_stream = websocket_application()
_graphql_subscriptions = graphql_websocket_application()


async def websocket_router(scope, receive, send):
    """``/v1/graphql``: GraphQL subscriptions (graphql-transport-ws, ``api.graphql.ws``);
    anything else: the event stream's router (``/v1/ws``, ``api.ws``)."""
    if scope.get("path") == "/v1/graphql":
        return await _graphql_subscriptions(scope, receive, send)
    return await _event_stream(scope, receive, send)


application = ProtocolTypeRouter(
    {
        "http": HttpEdge(django_application),
        "websocket": websocket_router,
        "lifespan": lifespan,
    }
)
