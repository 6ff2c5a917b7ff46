"""GraphQL subscriptions over WebSocket at ``/v1/graphql`` (the graphql-transport-ws protocol).

The protocol (https://github.com/enisdenjo/graphql-ws/blob/master/PROTOCOL.md), subprotocol
``graphql-transport-ws``:

- the client sends ``connection_init`` within ``WS_AUTH_TIMEOUT_SECONDS`` (else 4408), with the
  key as ``payload.Authorization = "Bearer <key>"`` (or ``payload.key``), or on the handshake's
  ``Authorization`` header — never in the URL (4400). The gateway authenticates it, checks
  ``events:read`` and the rate limit, and meters the connection as one call on ``/v1/graphql``
  (status 101). Refused: close 4403 (key, scope, suspension), 4429 (rate limit, monthly quota),
  4402 (the spend cap reached, an invoice past due), 1013 (database);
  otherwise ``connection_ack`` with ``{livemode, tenant}``.
- ``subscribe {id, payload: {query, variables, operationName}}``: the document passes the same
  limits and cost check as over HTTP (errors come back as ``error`` messages with the REST-style
  ``extensions.code``); then ``next`` per event and ``complete`` when it ends. ``complete`` from
  the client stops one; a duplicate id closes 4409; more than ``MAX_SUBSCRIPTIONS`` is an error.
- ``ping``/``pong`` both ways; anything else malformed closes 4400.

Tenancy: ``api.ws.WebSocketTenantHostMiddleware`` resolves the host; the connection joins the
Channels group of the key's schema (``api.stream.stream_group``: live and sandbox apart), which
the event dispatch publishes to, and hands each event to every subscription's queue.
"""

import asyncio
import json
import logging
import time

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.db import connection
from graphql import GraphQLError

from api.gateway import (
    DatabaseUnavailableError,
    GatewayError,
    InvalidApiKeyError,
    PaymentRequiredError,
    TooManyFailedAuthenticationsError,
    key_authenticate,
    rate_limit_check,
    scope_check,
    usage_record,
)
from api.graphql.context import GraphQLContext
from api.graphql.errors import GraphQLRequestError, error_format
from api.graphql.schema import request_prepare, schema
from api.stream import stream_group
from api.ws import limit_refusal
from core.safejson import UnsafeJsonError, json_loads_safe

PROTOCOL = "graphql-transport-ws"
ROUTE = "/v1/graphql"
MAX_MESSAGE_BYTES = 64 * 1024
MAX_SUBSCRIPTIONS = 100
QUEUE_SIZE = 1_000  # events waiting per subscription; a slower reader loses the oldest

logger = logging.getLogger(__name__)


@database_sync_to_async
def _gateway_enter(raw_key: str, host_tenant, client_address):
    connection.set_schema_to_public()
    context = key_authenticate(raw_key, host_tenant=host_tenant, client_address=client_address)
    scope_check(context, required="events:read")
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


class SubscriptionContext(GraphQLContext):
    """The resolvers' context on a WebSocket: ``events_listen`` gives a subscription its queue."""

    def __init__(self, api_key, consumer):
        super().__init__(api_key=api_key)
        self.consumer = consumer

    def events_listen(self) -> asyncio.Queue:
        queue = asyncio.Queue(maxsize=QUEUE_SIZE)
        self.consumer.queues.add(queue)
        return queue

    def events_unlisten(self, queue: asyncio.Queue) -> None:
        self.consumer.queues.discard(queue)


class GraphQLWebSocketConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        self.started = time.perf_counter()
        self.request_id = f"ws_{id(self):x}{int(time.time() * 1000):x}"
        self.context = None
        self.group = None
        self.queues: set[asyncio.Queue] = set()
        self.operations: dict[str, asyncio.Task] = {}
        self.is_closing = False
        self.init_received = False
        protocols = self.scope.get("subprotocols") or []
        if PROTOCOL not in protocols:
            await self.accept()
            return await self._close(4406, "Subprotocol not acceptable")
        await self.accept(PROTOCOL)
        if b"key=" in (self.scope.get("query_string") or b""):
            return await self._close(4400, "Never put an API key in a URL")
        if self.scope.get("host_kind") not in ("tenant", "api"):
            return await self._close(4404, "No API at this host")
        self.deadline = asyncio.ensure_future(self._init_deadline())

    async def _init_deadline(self):
        await asyncio.sleep(settings.WS_AUTH_TIMEOUT_SECONDS)
        if not self.init_received:
            await self._close(4408, "Connection initialisation timeout")

    async def disconnect(self, code):
        self.is_closing = True
        for task in self.operations.values():
            task.cancel()
        if getattr(self, "deadline", None):
            self.deadline.cancel()
        if self.group:
            try:
                await self.channel_layer.group_discard(self.group, self.channel_name)
            except Exception:  # noqa: BLE001 - the group entry expires by itself
                logger.warning("GraphQL WebSocket %s: could not leave its group", self.request_id)

    async def receive(self, text_data=None, bytes_data=None):
        if self.is_closing:
            return
        try:
            if (
                text_data is None
                or len(text_data.encode("utf-8", "surrogatepass")) > MAX_MESSAGE_BYTES
            ):
                raise ValueError("Send JSON text frames under 64 KiB.")
            message = json_loads_safe(text_data, max_depth=32)
            if not isinstance(message, dict) or not isinstance(message.get("type"), str):
                raise ValueError("Messages are JSON objects with a 'type'.")
        except (ValueError, UnsafeJsonError):
            return await self._close(4400, "Invalid message")
        try:
            await self._handle(message)
        except Exception:
            logger.exception("GraphQL WebSocket %s: unexpected error", self.request_id)
            await self._close(1011, "Internal error")

    async def _handle(self, message: dict) -> None:
        kind = message["type"]
        if kind == "connection_init":
            if self.init_received:
                return await self._close(4429, "Too many initialisation requests")
            self.init_received = True
            return await self._authenticate(message.get("payload"))
        if kind == "ping":
            return await self._send({"type": "pong"})
        if kind == "pong":
            return None
        if self.context is None:
            return await self._close(4401, "Unauthorized")
        if kind == "subscribe":
            return await self._subscribe(message)
        if kind == "complete":
            task = self.operations.pop(str(message.get("id")), None)
            if task is not None:
                task.cancel()
            return None
        return await self._close(4400, f"Unknown message type {kind[:40]!r}")

    async def _authenticate(self, payload) -> None:
        raw_key = None
        if isinstance(payload, dict):
            header = payload.get("Authorization") or payload.get("authorization")
            if isinstance(header, str) and header.lower().startswith("bearer "):
                raw_key = header[7:].strip()
            elif isinstance(payload.get("key"), str):
                raw_key = payload["key"]
        if raw_key is None:
            header = (
                dict(self.scope.get("headers") or []).get(b"authorization", b"").decode("latin-1")
            )
            if header.lower().startswith("bearer "):
                raw_key = header[7:].strip()
        client = self.scope.get("client") or (None, None)
        try:
            context, limit = await _gateway_enter(raw_key, self.scope.get("host_tenant"), client[0])
        except (InvalidApiKeyError, TooManyFailedAuthenticationsError) as error:
            code = 4429 if isinstance(error, TooManyFailedAuthenticationsError) else 4403
            return await self._close(code, f"{error.code}: {error.detail}"[:120])
        except DatabaseUnavailableError as error:
            return await self._close(1013, error.code)
        except PaymentRequiredError as error:
            return await self._close(4402, f"{error.code}: {error.detail}"[:120])
        except GatewayError as error:
            return await self._close(4403, f"{error.code}: {error.detail}"[:120])
        if not limit.allowed:
            refusal = await limit_refusal(limit)  # REST's: 429 or 402 spend_cap_reached
            await _meter(
                context, status=refusal.status, started=self.started, request_id=self.request_id
            )
            if refusal.status == 402:
                return await self._close(4402, f"{refusal.code}: {refusal.detail}"[:120])
            return await self._close(4429, f"{limit.code}: retry in {limit.retry_after} s")
        await _meter(context, status=101, started=self.started, request_id=self.request_id)
        self.context = context
        self.group = stream_group(context.tenant.schema_name)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self._send(
            {
                "type": "connection_ack",
                "payload": {"livemode": context.livemode, "tenant": context.organisation.slug},
            }
        )

    async def _subscribe(self, message: dict) -> None:
        operation_id = message.get("id")
        payload = message.get("payload")
        if not isinstance(operation_id, str) or not operation_id or not isinstance(payload, dict):
            return await self._close(4400, "subscribe needs an 'id' and a 'payload'")
        if operation_id in self.operations:
            return await self._close(4409, f"Subscriber for {operation_id[:40]} already exists")
        if len(self.operations) >= MAX_SUBSCRIPTIONS:
            return await self._errors(
                operation_id,
                [
                    {
                        "message": f"At most {MAX_SUBSCRIPTIONS} subscriptions per connection.",
                        "extensions": {"code": "too_many_subscriptions", "status": 400},
                    }
                ],
            )
        variables = payload.get("variables")
        operation_name = payload.get("operationName")
        try:
            if variables is not None and not isinstance(variables, dict):
                raise GraphQLRequestError(
                    "'variables' must be an object.", code="graphql_bad_request"
                )
            prepared = request_prepare(
                payload.get("query"), variables=variables, operation_name=operation_name
            )
            if not prepared.is_subscription:
                raise GraphQLRequestError(
                    "Send queries and mutations over HTTP; this socket runs subscriptions.",
                    code="graphql_bad_request",
                )
        except GraphQLRequestError as error:
            return await self._errors(
                operation_id,
                [
                    {
                        "message": error.detail,
                        "extensions": {"code": error.code, "status": error.status, **error.extra},
                    }
                ],
            )
        self.operations[operation_id] = asyncio.ensure_future(
            self._run(operation_id, prepared.query, variables, operation_name)
        )

    async def _run(self, operation_id, query, variables, operation_name) -> None:
        context = SubscriptionContext(self.context, self)
        try:
            stream = await schema.subscribe(
                query,
                variable_values=variables,
                context_value=context,
                operation_name=operation_name,
            )
            if not hasattr(stream, "__aiter__"):  # an ExecutionResult: it could not start
                errors = [self._format(error) for error in stream.errors or ()]
                return await self._errors(operation_id, errors)
            async for result in stream:
                body = {"data": result.data}
                if result.errors:
                    body["errors"] = [self._format(error) for error in result.errors]
                await self._send({"type": "next", "id": operation_id, "payload": body})
            await self._send({"type": "complete", "id": operation_id})
        except asyncio.CancelledError:
            raise
        finally:
            self.operations.pop(operation_id, None)

    def _format(self, error: GraphQLError) -> dict:
        return error_format(error, request_id=self.request_id)

    async def event_message(self, message: dict) -> None:
        """From the channel layer (``api.stream``): to every subscription's queue."""
        for queue in list(self.queues):
            if queue.full():
                queue.get_nowait()
            queue.put_nowait(message["event"])

    async def _errors(self, operation_id: str, errors: list[dict]) -> None:
        await self._send({"type": "error", "id": operation_id, "payload": errors})

    async def _send(self, message: dict) -> None:
        if not self.is_closing:
            await self.send(text_data=json.dumps(message, separators=(",", ":")))

    async def _close(self, code: int, reason: str) -> None:
        if self.is_closing:
            return
        self.is_closing = True
        for task in self.operations.values():
            if task is not asyncio.current_task():
                task.cancel()
        try:
            await self.close(code=code, reason=reason[:120])
        except OSError:
            pass


def graphql_websocket_application():
    from channels.routing import URLRouter
    from django.urls import path

    from api.ws import WebSocketTenantHostMiddleware

    return WebSocketTenantHostMiddleware(
        URLRouter([path("v1/graphql", GraphQLWebSocketConsumer.as_asgi())])
    )
