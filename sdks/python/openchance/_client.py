"""The clients: ``OpenChance`` (sync) and ``AsyncOpenChance`` (asyncio), both on httpx.

Each holds one httpx client with the retrying transport (``_retry``) and the typed-error hook, and
offers:

- ``request(method, path, query=, body=, idempotency_key=)`` for any call, returning the JSON;
- ``list(path, **query)``: every object of a cursor list, fetching pages as it goes;
- resources with the usual verbs (``client.challenges.create(...)``, ``.list(...)`` …);
- ``generated``: the openapi-python-client ``AuthenticatedClient`` on the same httpx client, for
  every operation of the OpenAPI document with its typed models (``openchance.api``), with the
  same retries and errors; ``paginate(operation, **arguments)`` pages any generated list call.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping, Sequence
from typing import Any

import httpx

from openchance_api.client import AuthenticatedClient

from ._errors import ApiError
from ._retry import (
    AsyncRetryTransport,
    RetryInfo,
    RetryPolicy,
    RetryTransport,
    araise_for_problem,
    raise_for_problem,
)
from ._version import VERSION

DEFAULT_BASE_URL = "https://api.openchance.dev"
DEFAULT_TIMEOUT = 30.0
JSON = Any


def _settings(api_key: str | None, base_url: str | None) -> tuple[str, str]:
    key = api_key or os.environ.get("OPENCHANCE_API_KEY")
    if not key:
        raise ValueError("api_key is required (or set OPENCHANCE_API_KEY)")
    url = (base_url or os.environ.get("OPENCHANCE_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")
    return key, url


def _headers(api_key: str, idempotency_key: str | None) -> dict[str, str]:
    headers = {
        "Authorization": f"Bearer {api_key}",
        "Accept": "application/json",
        "User-Agent": f"openchance-python/{VERSION}",
    }
    if idempotency_key:
        headers["Idempotency-Key"] = idempotency_key
    return headers


def _clean(query: Mapping[str, Any] | None) -> dict[str, Any]:
    """Query parameters without the unset ones; lists are sent comma-separated."""
    cleaned: dict[str, Any] = {}
    for name, value in (query or {}).items():
        if value is None:
            continue
        if isinstance(value, (list, tuple)):
            value = ",".join(str(item) for item in value)
        elif isinstance(value, bool):
            value = "true" if value else "false"
        cleaned[name] = value
    return cleaned


def _page(body: JSON) -> tuple[list[JSON], str | None]:
    if not isinstance(body, dict) or not isinstance(body.get("data"), list):
        raise ApiError("Not a list answer: expected {data, has_more, next_cursor}")
    cursor = body.get("next_cursor") if body.get("has_more") else None
    return body["data"], cursor if isinstance(cursor, str) and cursor else None


class OpenChance:
    """A synchronous client (configuration: sdks/README.md). ``timeout`` in seconds per attempt;
    ``max_retries`` retries after the first attempt (0 turns retries off), waiting
    ``initial_retry_delay`` doubling up to ``max_retry_delay`` with jitter, or ``Retry-After``
    when it is at most ``max_retry_after``; ``on_retry`` is called before each retry. Use as a
    context manager, or call ``close()``."""

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        max_retries: int = 2,
        initial_retry_delay: float = 0.5,
        max_retry_delay: float = 8.0,
        max_retry_after: float = 60.0,
        on_retry: Callable[[RetryInfo], None] | None = None,
        http_transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.api_key, self.base_url = _settings(api_key, base_url)
        self.timeout = timeout
        self.retry_policy = RetryPolicy(
            max_retries=max_retries,
            initial_delay=initial_retry_delay,
            max_delay=max_retry_delay,
            max_retry_after=max_retry_after,
            on_retry=on_retry,
        )
        self._http = httpx.Client(
            base_url=self.base_url,
            headers=_headers(self.api_key, None),
            timeout=timeout,
            transport=RetryTransport(self.retry_policy, http_transport),
            event_hooks={"response": [raise_for_problem]},
        )
        self.generated = AuthenticatedClient(base_url=self.base_url, token=self.api_key)
        self.generated.set_httpx_client(self._http)
        self.challenges = Challenges(self)
        self.applications = Resource(self, "/v1/applications")
        self.messages = Resource(self, "/v1/messages")
        self.reviews = Resource(self, "/v1/reviews")
        self.events = Resource(self, "/v1/events")
        self.webhook_endpoints = Resource(self, "/v1/webhook_endpoints")

    def request(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, Any] | None = None,
        body: JSON = None,
        idempotency_key: str | None = None,
    ) -> JSON:
        """One call (with its retries); the parsed JSON, or None for an empty answer. Raises a
        typed ``OpenChanceError``. POST and PATCH get an ``Idempotency-Key`` when none is given."""
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else None
        response = self._http.request(
            method.upper(), path, params=_clean(query), json=body, headers=headers
        )
        return response.json() if response.content else None

    def list(self, path: str, **query: Any) -> Iterator[JSON]:
        """Every object of the cursor list at ``path``, page after page (``limit`` sets the page
        size)."""
        cursor: str | None = None
        while True:
            data, cursor = _page(self.request("GET", path, query={**query, "cursor": cursor}))
            yield from data
            if cursor is None:
                return

    def paginate(self, operation: Callable[..., Any], **arguments: Any) -> Iterator[Any]:
        """Every item of a generated list operation (``challenges_list.sync``…), typed as it
        types them: ``client.paginate(challenges_list.sync, limit=50)``."""
        from openchance_api.types import UNSET

        cursor: Any = UNSET
        while True:
            page = operation(client=self.generated, cursor=cursor, **arguments)
            yield from page.data
            if not page.has_more or not page.next_cursor:
                return
            cursor = page.next_cursor

    def stream(self, events: Sequence[str] | None = None, **options: Any) -> Any:
        """The WebSocket event stream (``openchance.stream.EventStream``); needs ``websockets``."""
        from .stream import EventStream

        return EventStream(
            api_key=self.api_key, base_url=self.base_url, events=list(events or ["*"]), **options
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> OpenChance:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class Resource:
    """The verbs of one collection: ``list`` (auto-paging), ``retrieve``, ``create``, ``update``,
    ``delete`` and ``action`` (a POST on an object: publish, close…)."""

    def __init__(self, client: OpenChance, path: str) -> None:
        self._client = client
        self.path = path

    def list(self, **query: Any) -> Iterator[JSON]:
        return self._client.list(self.path, **query)

    def retrieve(self, object_id: str, **query: Any) -> JSON:
        return self._client.request("GET", f"{self.path}/{object_id}", query=query)

    def create(self, body: JSON, *, idempotency_key: str | None = None, **query: Any) -> JSON:
        return self._client.request(
            "POST", self.path, body=body, query=query, idempotency_key=idempotency_key
        )

    def update(self, object_id: str, body: JSON, *, idempotency_key: str | None = None) -> JSON:
        return self._client.request(
            "PATCH", f"{self.path}/{object_id}", body=body, idempotency_key=idempotency_key
        )

    def delete(self, object_id: str) -> JSON:
        return self._client.request("DELETE", f"{self.path}/{object_id}")

    def action(
        self, object_id: str, action: str, body: JSON = None, *, idempotency_key: str | None = None
    ) -> JSON:
        return self._client.request(
            "POST",
            f"{self.path}/{object_id}/{action}",
            body=body if body is not None else {},
            idempotency_key=idempotency_key,
        )


class Challenges(Resource):
    def __init__(self, client: OpenChance) -> None:
        super().__init__(client, "/v1/challenges")

    def publish(self, challenge_id: str, **options: Any) -> JSON:
        return self.action(challenge_id, "publish", **options)

    def applications(self, challenge_id: str, **query: Any) -> Iterator[JSON]:
        return self._client.list(f"{self.path}/{challenge_id}/applications", **query)


# --- asyncio


class AsyncOpenChance:
    """The asyncio client: the same configuration and verbs as ``OpenChance``, awaited; lists
    are async iterators (``async for challenge in client.challenges.list()``)."""

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        max_retries: int = 2,
        initial_retry_delay: float = 0.5,
        max_retry_delay: float = 8.0,
        max_retry_after: float = 60.0,
        on_retry: Callable[[RetryInfo], None] | None = None,
        http_transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.api_key, self.base_url = _settings(api_key, base_url)
        self.timeout = timeout
        self.retry_policy = RetryPolicy(
            max_retries=max_retries,
            initial_delay=initial_retry_delay,
            max_delay=max_retry_delay,
            max_retry_after=max_retry_after,
            on_retry=on_retry,
        )
        self._http = httpx.AsyncClient(
            base_url=self.base_url,
            headers=_headers(self.api_key, None),
            timeout=timeout,
            transport=AsyncRetryTransport(self.retry_policy, http_transport),
            event_hooks={"response": [araise_for_problem]},
        )
        self.generated = AuthenticatedClient(base_url=self.base_url, token=self.api_key)
        self.generated.set_async_httpx_client(self._http)
        self.challenges = AsyncChallenges(self)
        self.applications = AsyncResource(self, "/v1/applications")
        self.messages = AsyncResource(self, "/v1/messages")
        self.reviews = AsyncResource(self, "/v1/reviews")
        self.events = AsyncResource(self, "/v1/events")
        self.webhook_endpoints = AsyncResource(self, "/v1/webhook_endpoints")

    async def request(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, Any] | None = None,
        body: JSON = None,
        idempotency_key: str | None = None,
    ) -> JSON:
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else None
        response = await self._http.request(
            method.upper(), path, params=_clean(query), json=body, headers=headers
        )
        return response.json() if response.content else None

    async def list(self, path: str, **query: Any) -> AsyncIterator[JSON]:
        cursor: str | None = None
        while True:
            body = await self.request("GET", path, query={**query, "cursor": cursor})
            data, cursor = _page(body)
            for item in data:
                yield item
            if cursor is None:
                return

    async def paginate(
        self, operation: Callable[..., Awaitable[Any]], **arguments: Any
    ) -> AsyncIterator[Any]:
        """Every item of a generated async list operation (``challenges_list.asyncio``…)."""
        from openchance_api.types import UNSET

        cursor: Any = UNSET
        while True:
            page = await operation(client=self.generated, cursor=cursor, **arguments)
            for item in page.data:
                yield item
            if not page.has_more or not page.next_cursor:
                return
            cursor = page.next_cursor

    def stream(self, events: Sequence[str] | None = None, **options: Any) -> Any:
        """The WebSocket event stream (``openchance.stream.AsyncEventStream``)."""
        from .stream import AsyncEventStream

        return AsyncEventStream(
            api_key=self.api_key, base_url=self.base_url, events=list(events or ["*"]), **options
        )

    async def close(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> AsyncOpenChance:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()


class AsyncResource:
    def __init__(self, client: AsyncOpenChance, path: str) -> None:
        self._client = client
        self.path = path

    def list(self, **query: Any) -> AsyncIterator[JSON]:
        return self._client.list(self.path, **query)

    async def retrieve(self, object_id: str, **query: Any) -> JSON:
        return await self._client.request("GET", f"{self.path}/{object_id}", query=query)

    async def create(self, body: JSON, *, idempotency_key: str | None = None, **query: Any) -> JSON:
        return await self._client.request(
            "POST", self.path, body=body, query=query, idempotency_key=idempotency_key
        )

    async def update(
        self, object_id: str, body: JSON, *, idempotency_key: str | None = None
    ) -> JSON:
        return await self._client.request(
            "PATCH", f"{self.path}/{object_id}", body=body, idempotency_key=idempotency_key
        )

    async def delete(self, object_id: str) -> JSON:
        return await self._client.request("DELETE", f"{self.path}/{object_id}")

    async def action(
        self, object_id: str, action: str, body: JSON = None, *, idempotency_key: str | None = None
    ) -> JSON:
        return await self._client.request(
            "POST",
            f"{self.path}/{object_id}/{action}",
            body=body if body is not None else {},
            idempotency_key=idempotency_key,
        )


class AsyncChallenges(AsyncResource):
    def __init__(self, client: AsyncOpenChance) -> None:
        super().__init__(client, "/v1/challenges")

    async def publish(self, challenge_id: str, **options: Any) -> JSON:
        return await self.action(challenge_id, "publish", **options)

    def applications(self, challenge_id: str, **query: Any) -> AsyncIterator[JSON]:
        return self._client.list(f"{self.path}/{challenge_id}/applications", **query)
