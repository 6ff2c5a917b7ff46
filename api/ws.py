"""The WebSocket event stream at ``/v1/ws``: the same event payloads as webhooks, in real time.

Protocol (JSON text frames; see the README, "WebSocket event stream"):

- Authenticate with ``Authorization: Bearer <key>`` on the handshake, or with a first message
  ``{"type": "auth", "key": "<key>"}`` within ``WS_AUTH_TIMEOUT_SECONDS`` — never in the URL (a
  URL carrying a key is refused: URLs end up in logs). The server answers
  ``{"type": "welcome", "livemode": …, "heartbeat_interval": …}``.
- ``{"type": "subscribe", "events": ["challenge.created", "application.*", "*"]}`` and
  ``{"type": "unsubscribe", "events": [...]}`` → ``{"type": "subscribed", "events": [...]}``.
- Events arrive as ``{"type": "event", "event": <the webhook body>}``, for the families the key
  may read (an event carries its object: ``application.*`` needs ``applications:read``, …); the
  server sends ``{"type": "heartbeat", "time": <unix>}`` every ``WS_HEARTBEAT_SECONDS``; a client
  may send ``{"type": "ping"}`` and gets ``{"type": "pong"}``.
- Close codes: 4400 bad message, 4401 missing/invalid key or no auth in time, 4402 the spend
  cap is reached (``spend_cap_reached``) or an invoice is past due (``payment_required``), 4403
  scope missing or tenant suspended, 4404 unknown host, 4429 rate limited or the monthly quota
  used up (``rate_limited``, ``quota_exceeded``; or too many failed authentications from the
  address), 1011 a failure on our side (``internal_error``: reconnect),
  1013 the database is unavailable (``database_unavailable``: retry after ``retry_after``).
  Every close is preceded by an ``error`` message.

Hostile input: a frame is parsed by ``core.safejson.json_loads_safe`` (depth, NaN/Infinity, NUL,
lone surrogates) after a size check, every field is type-checked and event patterns follow the
grammar of ``events.types``, so any frame is answered with a normal reply or an error message and
a 4400; an exception that still escapes a handler is logged and answered with ``internal_error``
and 1011 — the ASGI server would otherwise drop the TCP connection without a close frame.

Tenancy: ``WebSocketTenantHostMiddleware`` resolves the Host header as the HTTP middleware does
(a tenant's host, or the shared API host where the key alone decides). The gateway (``api.gateway``)
authenticates the key, checks the ``events:read`` scope and the rate limit, and meters the
connection as one call. The consumer joins the Channels group of the key's schema — live or
sandbox — so it only ever sees that tenant's events of that mode (``api.stream``).
"""

import asyncio
import json
import logging
import time
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.db import connection
from django.urls import path

from api.gateway import (
    DatabaseUnavailableError,
    GatewayError,
    InsufficientScopeError,
    InvalidApiKeyError,
    LimitExceededError,
    PaymentRequiredError,
    TenantSuspendedError,
    TooManyFailedAuthenticationsError,
    key_authenticate,
    rate_limit_check,
    scope_check,
    usage_record,
)
from api.stream import stream_group
from apikeys.scopes import event_scope_required
from core.safejson import UnsafeJsonError, json_loads_safe
from events.types import event_type_matches_any, event_type_pattern_is_valid
from tenants.selectors import host_normalize, tenant_for_host

CLOSE_BAD_MESSAGE = 4400
CLOSE_UNAUTHORIZED = 4401
CLOSE_PAYMENT_REQUIRED = 4402  # HTTP's 402: the spend cap is reached, or an invoice is past due
CLOSE_FORBIDDEN = 4403
CLOSE_UNKNOWN_HOST = 4404
CLOSE_RATE_LIMITED = 4429
CLOSE_INTERNAL_ERROR = 1011  # RFC 6455: the server met an unexpected condition
CLOSE_TRY_AGAIN_LATER = 1013  # RFC 6455 (IANA registry): a temporary condition, e.g. the database
REQUIRED_SCOPE = "events:read"
MAX_SUBSCRIPTIONS = 100
MAX_MESSAGE_BYTES = 16 * 1024
MAX_MESSAGE_DEPTH = 4  # the deepest message is {"events": [...]}: 2 levels
HOST_UNRESOLVED = "unresolved"  # the host lookup failed (the database, most likely)
ROUTE = "/v1/ws"

logger = logging.getLogger(__name__)


class WebSocketTenantHostMiddleware:
    """ASGI middleware: ``scope["host_kind"]`` and ``scope["host_tenant"]`` from the Host header
    (django-tenants' middleware only covers HTTP)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        headers = dict(scope.get("headers") or [])
        host = host_normalize(headers.get(b"host", b"").decode("latin-1"))
        scope = dict(scope)
        try:
            resolution = await _host_resolve(host) if host else None
        except Exception:
            # The consumer answers it with ``internal_error`` and 1011 after the handshake, as
            # any other failure on our side, rather than an HTTP 500 instead of the upgrade.
            logger.exception("WebSocket: could not resolve the host %r", host)
            scope["host_kind"], scope["host_tenant"] = HOST_UNRESOLVED, None
        else:
            scope["host_kind"] = resolution.kind if resolution else None
            scope["host_tenant"] = resolution.tenant if resolution else None
        return await self.app(scope, receive, send)


@database_sync_to_async
def _host_resolve(host: str):
    connection.set_schema_to_public()
    return tenant_for_host(host)


@database_sync_to_async
def _gateway_enter(raw_key: str, host_tenant, client_address: str | None):
    """Authenticate, check scope and rate limit (public schema; Redis). Returns (context, limit)."""
    connection.set_schema_to_public()
    context = key_authenticate(raw_key, host_tenant=host_tenant, client_address=client_address)
    scope_check(context, required=REQUIRED_SCOPE)
    return context, rate_limit_check(context, cost=1)


@database_sync_to_async
def _meter(context, *, status: int, started: float, request_id: str) -> None:
    usage_record(
        context,
        method="GET",
        route=ROUTE,
        status=status,
        duration_ms=(time.perf_counter() - started) * 1000,
        request_bytes=0,
        response_bytes=0,
        request_id=request_id,
        path=ROUTE,
        is_billable=status == 101,
    )


@database_sync_to_async
def limit_refusal(limit):
    """REST's error for a refused limit, from a consumer (it reads the public plans: the one that
    lifts it). GraphQL's WebSocket uses it too."""
    return LimitExceededError.from_result(limit)


class BadMessageError(Exception):
    pass


class EventStreamConsumer(AsyncWebsocketConsumer):
    """One client connection. Every path out of it ends in an ``error`` message and a close code:
    the handlers below never let an exception reach the ASGI server, which would drop the TCP
    connection without a close frame (see ``dispatch`` and ``__call__``)."""

    async def __call__(self, scope, receive, send):
        self.is_closing = False
        self.request_id = f"ws_{id(self):x}{int(time.time() * 1000):x}"
        self.context = None
        self.group = None
        self.subscriptions: set[str] = set()
        self.tasks: list[asyncio.Task] = []
        try:
            await super().__call__(scope, receive, send)
        except Exception:
            # Outside any handler: the channel layer's receive loop (Redis gone, a timeout).
            logger.exception("WebSocket %s: the channel layer failed", self.request_id)
            await self._fail()
            await self._leave()

    async def dispatch(self, message):
        try:
            await super().dispatch(message)
        except StopConsumer:
            raise
        except Exception:
            logger.exception(
                "WebSocket %s: unexpected error in %s", self.request_id, message.get("type")
            )
            await self._fail()

    async def connect(self):
        self.started = time.perf_counter()
        await self.accept()
        host_kind = self.scope.get("host_kind")
        if host_kind == HOST_UNRESOLVED:
            return await self._fail()
        if host_kind not in ("tenant", "api"):
            return await self._refuse(CLOSE_UNKNOWN_HOST, "unknown_host", "No API at this host.")
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        if {"key", "api_key", "token", "access_token"} & set(query):
            return await self._refuse(
                CLOSE_BAD_MESSAGE,
                "key_in_url",
                "Never put an API key in a URL: send it in the Authorization header or in a "
                "first 'auth' message (the key should now be considered leaked; roll it).",
            )
        header = dict(self.scope.get("headers") or []).get(b"authorization", b"")
        scheme, _, token = header.decode("latin-1").partition(" ")
        if header:
            if scheme.lower() != "bearer" or not token.strip():
                return await self._refuse(
                    CLOSE_UNAUTHORIZED, "invalid_api_key", "Use 'Authorization: Bearer <key>'."
                )
            await self._authenticate(token.strip())
        else:
            self.tasks.append(asyncio.ensure_future(self._auth_deadline()))

    async def disconnect(self, code):
        self.is_closing = True
        await self._leave()

    async def receive(self, text_data=None, bytes_data=None):
        if self.is_closing:
            return  # a frame that was already queued when we closed
        try:
            message = _parse(text_data, bytes_data)
            if self.context is None:
                if message["type"] != "auth":
                    return await self._refuse(
                        CLOSE_UNAUTHORIZED, "unauthenticated", "Authenticate first."
                    )
                key = message.get("key")
                if not isinstance(key, str) or not key:
                    raise BadMessageError("'auth' needs a 'key' string.")
                return await self._authenticate(key)
            await self._handle(message)
        except BadMessageError as error:
            await self._refuse(CLOSE_BAD_MESSAGE, "bad_message", str(error))

    async def _handle(self, message: dict) -> None:
        kind = message["type"]
        if kind == "ping":
            await self._send({"type": "pong"})
        elif kind in ("subscribe", "unsubscribe"):
            events = _event_patterns(kind, message.get("events"))
            if kind == "subscribe":
                self.subscriptions |= events
            else:
                self.subscriptions -= events
            if len(self.subscriptions) > MAX_SUBSCRIPTIONS:
                raise BadMessageError(f"At most {MAX_SUBSCRIPTIONS} subscriptions.")
            await self._send({"type": "subscribed", "events": sorted(self.subscriptions)})
        elif kind == "auth":
            raise BadMessageError("Already authenticated.")
        else:
            raise BadMessageError(f"Unknown message type {_excerpt(kind)}.")

    async def _authenticate(self, raw_key: str) -> None:
        for task in self.tasks:
            task.cancel()
        try:
            client = self.scope.get("client") or (None, None)
            context, limit = await _gateway_enter(raw_key, self.scope.get("host_tenant"), client[0])
        except InvalidApiKeyError as error:
            return await self._refuse(CLOSE_UNAUTHORIZED, error.code, error.detail)
        except (InsufficientScopeError, TenantSuspendedError) as error:
            return await self._refuse(CLOSE_FORBIDDEN, error.code, error.detail)
        except TooManyFailedAuthenticationsError as error:
            return await self._refuse(
                CLOSE_RATE_LIMITED,
                error.code,
                error.detail,
                retry_after=error.extra.get("retry_after"),
            )
        except DatabaseUnavailableError as error:
            return await self._refuse(
                CLOSE_TRY_AGAIN_LATER,
                error.code,
                error.detail,
                retry_after=error.extra.get("retry_after"),
            )
        except PaymentRequiredError as error:
            return await self._refuse(
                CLOSE_PAYMENT_REQUIRED, error.code, error.detail, **error.extra
            )
        except GatewayError as error:
            return await self._refuse(CLOSE_BAD_MESSAGE, error.code, error.detail)
        if not limit.allowed:
            # REST's refusal, word for word: 429 rate_limited or quota_exceeded (with the plan that
            # lifts it), 402 spend_cap_reached (with the cap and how to raise it)
            refusal = await limit_refusal(limit)
            await _meter(
                context, status=refusal.status, started=self.started, request_id=self.request_id
            )
            close_code = CLOSE_PAYMENT_REQUIRED if refusal.status == 402 else CLOSE_RATE_LIMITED
            return await self._refuse(close_code, refusal.code, refusal.detail, **refusal.extra)
        self.context = context
        await _meter(context, status=101, started=self.started, request_id=self.request_id)
        self.group = stream_group(context.tenant.schema_name)
        await self.channel_layer.group_add(self.group, self.channel_name)
        self.tasks = [asyncio.ensure_future(self._heartbeats())]
        await self._send(
            {
                "type": "welcome",
                "livemode": context.livemode,
                "tenant": context.organisation.slug,
                "heartbeat_interval": settings.WS_HEARTBEAT_SECONDS,
                "request_id": self.request_id,
            }
        )

    async def event_message(self, message: dict) -> None:
        """From the channel layer (``api.stream``): pass on what the client subscribed to."""
        payload = message["event"]
        event_type = payload.get("type", "")
        # An event carries its object: it needs that family's read scope too (as on /v1/events).
        if _matches(event_type, self.subscriptions) and self.context.has_scope(
            event_scope_required(event_type)
        ):
            await self._send({"type": "event", "event": payload})

    async def _heartbeats(self) -> None:
        try:
            while not self.is_closing:
                await asyncio.sleep(settings.WS_HEARTBEAT_SECONDS)
                await self._send({"type": "heartbeat", "time": int(time.time())})
        except OSError:
            pass  # the client is gone; disconnect() cleans up

    async def _auth_deadline(self) -> None:
        await asyncio.sleep(settings.WS_AUTH_TIMEOUT_SECONDS)
        if self.context is None:
            await self._refuse(CLOSE_UNAUTHORIZED, "auth_timeout", "No 'auth' message in time.")

    async def _send(self, message: dict) -> None:
        """Send unless closing: nothing may follow the error message and the close frame (and
        the ASGI server raises on a send after ``websocket.close``)."""
        if not self.is_closing:
            await self.send(text_data=json.dumps(message, separators=(",", ":"), default=str))

    async def _refuse(self, code: int, error_code: str, detail: str, **extra) -> None:
        """The error message, then the close frame; once per connection."""
        if self.is_closing:
            return
        message = {"type": "error", "code": error_code, "detail": detail, **extra}
        self.is_closing = True
        for task in self.tasks:
            if task is not asyncio.current_task():
                task.cancel()
        try:
            await self.send(text_data=json.dumps(message, separators=(",", ":"), default=str))
            await self.close(code=code)
        except OSError:
            # The client went away first (uvicorn's ClientDisconnected is an OSError).
            logger.debug("WebSocket %s: closed by the client before %s", self.request_id, code)

    async def _fail(self) -> None:
        """After an unexpected exception (already logged): ``internal_error`` and 1011, so the
        client knows to reconnect (and catch up through /v1/events) instead of a dead socket."""
        try:
            await self._refuse(
                CLOSE_INTERNAL_ERROR,
                "internal_error",
                f"The stream failed on our side; reconnect (request id {self.request_id}).",
            )
        except Exception:
            logger.exception("WebSocket %s: could not send the close frame", self.request_id)

    async def _leave(self) -> None:
        for task in self.tasks:
            task.cancel()
        if self.group:
            group, self.group = self.group, None
            try:
                await self.channel_layer.group_discard(group, self.channel_name)
            except Exception:
                # The group entry expires by itself (channels-redis' group_expiry).
                logger.warning("WebSocket %s: could not leave %s", self.request_id, group)


def _parse(text_data, bytes_data) -> dict:
    """A client frame as a message, or ``BadMessageError``: JSON parsed by ``json_loads_safe`` (a
    deep frame, NaN/Infinity, a NUL or a lone surrogate is a bad message, never an exception)."""
    if text_data is None:
        raise BadMessageError("Send JSON text frames.")
    if (
        len(text_data) > MAX_MESSAGE_BYTES
        or len(text_data.encode("utf-8", "surrogatepass")) > MAX_MESSAGE_BYTES
    ):
        raise BadMessageError(f"Message too large (at most {MAX_MESSAGE_BYTES} bytes).")
    try:
        message = json_loads_safe(text_data, max_depth=MAX_MESSAGE_DEPTH)
    except UnsafeJsonError as error:
        raise BadMessageError(str(error)) from None
    except ValueError:
        raise BadMessageError("Messages must be JSON objects.") from None
    if not isinstance(message, dict) or not isinstance(message.get("type"), str):
        raise BadMessageError("Messages must be JSON objects with a 'type'.")
    return message


def _event_patterns(kind: str, events) -> set[str]:
    if (
        not isinstance(events, list)
        or not events
        or len(events) > MAX_SUBSCRIPTIONS
        or not all(isinstance(e, str) and len(e) <= 100 for e in events)
    ):
        raise BadMessageError(
            f"'{kind}' needs 'events': a list of 1 to {MAX_SUBSCRIPTIONS} event types."
        )
    for event in events:
        if not event_type_pattern_is_valid(event):  # the one grammar: see events.types
            raise BadMessageError(
                f"{_excerpt(event)} is not an event type pattern: use an event type "
                "(challenge.created), a family (challenge.*) or * for every type."
            )
    return set(events)


def _excerpt(text: str, limit: int = 40) -> str:
    """``text`` quoted for an error message, cut short (the client sent it; echo little)."""
    return repr(text[:limit] + ("…" if len(text) > limit else ""))


def _matches(event_type: str, subscriptions: set[str]) -> bool:
    return event_type_matches_any(subscriptions, event_type)


def websocket_application():
    from channels.routing import URLRouter

    return WebSocketTenantHostMiddleware(URLRouter([path("v1/ws", EventStreamConsumer.as_asgi())]))
