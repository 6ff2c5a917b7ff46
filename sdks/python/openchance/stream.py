"""The WebSocket event stream (``/v1/ws``): the same event payloads as webhooks, in real time.

    with client.stream(["challenge.*"]) as stream:
        for event in stream:
            ...

The key goes in the handshake's ``Authorization`` header (never in the URL). The stream
subscribes to ``events`` once the server welcomes it, answers nothing to heartbeats (they only
keep the connection open) and yields ``{"type": "event"}`` messages' events. A close is raised as
``StreamClosedError`` with the server's close code and its last ``error`` message (4401 invalid
key, 4402 spend cap or past-due invoice, 4403 scope, 4429 rate limited, 1011/1013 reconnect).
The stream is best effort: catch up on what you missed with ``client.events.list(...)``. Needs
the ``websockets`` package.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

from ._errors import OpenChanceError
from ._version import VERSION
from .webhooks import WebhookEvent


class StreamClosedError(OpenChanceError):
    def __init__(self, message: str, *, close_code: int | None, code: str | None = None):
        super().__init__(message, code=code)
        self.close_code = close_code


def _url(base_url: str) -> str:
    if base_url.startswith("https://"):
        return "wss://" + base_url.removeprefix("https://") + "/v1/ws"
    return "ws://" + base_url.removeprefix("http://") + "/v1/ws"


def _headers(api_key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_key}", "User-Agent": f"openchance-python/{VERSION}"}


class EventStream:
    def __init__(
        self, *, api_key: str, base_url: str, events: list[str], open_timeout: float = 10.0
    ) -> None:
        self.api_key, self.base_url, self.events = api_key, base_url, events
        self.open_timeout = open_timeout
        self._socket: Any = None
        self.last_error: dict[str, Any] | None = None

    def __enter__(self) -> EventStream:
        from websockets.sync.client import connect

        self._socket = connect(
            _url(self.base_url),
            additional_headers=_headers(self.api_key),
            open_timeout=self.open_timeout,
        )
        self._expect("welcome")
        self._socket.send(json.dumps({"type": "subscribe", "events": self.events}))
        self._expect("subscribed")
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        if self._socket is not None:
            self._socket.close()

    def _receive(self, timeout: float | None = None) -> dict[str, Any]:
        from websockets.exceptions import ConnectionClosed

        try:
            message: dict[str, Any] = json.loads(self._socket.recv(timeout=timeout))
        except ConnectionClosed as closed:
            code = closed.rcvd.code if closed.rcvd else None
            error = self.last_error or {}
            raise StreamClosedError(
                str(error.get("detail") or f"stream closed ({code})"),
                close_code=code,
                code=error.get("code"),
            ) from closed
        if message.get("type") == "error":
            self.last_error = message
        return message

    def _expect(self, kind: str) -> dict[str, Any]:
        while True:
            message = self._receive(self.open_timeout)
            if message.get("type") == kind:
                return message

    def receive(self, timeout: float | None = None) -> WebhookEvent:
        """The next event (waits up to ``timeout`` seconds; TimeoutError then)."""
        while True:
            message = self._receive(timeout)
            if message.get("type") == "event":
                return message["event"]  # type: ignore[no-any-return]

    def __iter__(self) -> Iterator[WebhookEvent]:
        while True:
            yield self.receive()


class AsyncEventStream:
    def __init__(
        self, *, api_key: str, base_url: str, events: list[str], open_timeout: float = 10.0
    ) -> None:
        self.api_key, self.base_url, self.events = api_key, base_url, events
        self.open_timeout = open_timeout
        self._socket: Any = None
        self.last_error: dict[str, Any] | None = None

    async def __aenter__(self) -> AsyncEventStream:
        from websockets.asyncio.client import connect

        self._socket = await connect(
            _url(self.base_url),
            additional_headers=_headers(self.api_key),
            open_timeout=self.open_timeout,
        )
        await self._expect("welcome")
        await self._socket.send(json.dumps({"type": "subscribe", "events": self.events}))
        await self._expect("subscribed")
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self._socket is not None:
            await self._socket.close()

    async def _receive(self) -> dict[str, Any]:
        from websockets.exceptions import ConnectionClosed

        try:
            message: dict[str, Any] = json.loads(await self._socket.recv())
        except ConnectionClosed as closed:
            code = closed.rcvd.code if closed.rcvd else None
            error = self.last_error or {}
            raise StreamClosedError(
                str(error.get("detail") or f"stream closed ({code})"),
                close_code=code,
                code=error.get("code"),
            ) from closed
        if message.get("type") == "error":
            self.last_error = message
        return message

    async def _expect(self, kind: str) -> dict[str, Any]:
        while True:
            message = await self._receive()
            if message.get("type") == kind:
                return message

    async def receive(self) -> WebhookEvent:
        while True:
            message = await self._receive()
            if message.get("type") == "event":
                return message["event"]  # type: ignore[no-any-return]

    def __aiter__(self) -> AsyncIterator[WebhookEvent]:
        return self._events()

    async def _events(self) -> AsyncIterator[WebhookEvent]:
        while True:
            yield await self.receive()
