"""Retries, as httpx transports, so the hand-written client and every generated operation share
them: exponential backoff with jitter on connection errors, 409 ``idempotency_request_in_flight``,
429 and 5xx, honouring ``Retry-After``; an ``Idempotency-Key`` is added to every POST and PATCH
that has none, and the same key goes out on every retry of that request.

Error answers that are not retried (or are still errors after the last retry) are raised as the
typed errors of ``_errors`` by ``raise_for_problem``, installed as a response hook."""

from __future__ import annotations

import asyncio
import json
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from ._errors import ApiConnectionError, error_from_problem

IDEMPOTENT_METHODS = ("POST", "PATCH")
RETRYABLE_STATUSES = (409, 429, 500, 502, 503, 504)


@dataclass(frozen=True)
class RetryInfo:
    """What ``on_retry`` is told before each retry: ``status`` is None after a connection
    error; ``delay`` the seconds about to be waited."""

    attempt: int
    method: str
    url: str
    status: int | None
    delay: float


@dataclass(frozen=True)
class RetryPolicy:
    """``max_retries`` retries after the first attempt; the n-th waits ``Retry-After`` when the
    server sent one (up to ``max_retry_after``, beyond which the error is raised at once: a
    monthly quota resets in days), else ``initial_delay * 2**(n-1)`` capped at ``max_delay``,
    times a random factor in [0.5, 1) (jitter: clients that failed together spread out)."""

    max_retries: int = 2
    initial_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 60.0
    on_retry: Callable[[RetryInfo], None] | None = None

    def notify(self, retry: int, request: httpx.Request, status: int | None, delay: float) -> None:
        if self.on_retry is not None:
            self.on_retry(RetryInfo(retry, request.method, str(request.url), status, delay))

    def backoff(self, retry: int) -> float:
        base = min(self.max_delay, self.initial_delay * 2.0 ** (retry - 1))
        return base * (0.5 + random.random() / 2)  # noqa: S311 - jitter, not cryptography

    def delay_for(self, retry: int, response: httpx.Response | None) -> float | None:
        """Seconds to wait before retry number ``retry`` (1-based), or None: do not retry."""
        if retry > self.max_retries:
            return None
        if response is None:  # a connection error
            return self.backoff(retry)
        if response.status_code not in RETRYABLE_STATUSES:
            return None
        if response.status_code == 409 and _problem_code(response) != (
            "idempotency_request_in_flight"
        ):
            return None  # a state conflict: the same request would conflict again
        retry_after = _retry_after(response)
        if retry_after is None:
            return self.backoff(retry)
        return retry_after if retry_after <= self.max_retry_after else None


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


def _problem_code(response: httpx.Response) -> str | None:
    try:
        body = json.loads(response.content)
    except ValueError:
        return None
    return body.get("code") if isinstance(body, dict) else None


def _with_idempotency_key(request: httpx.Request) -> None:
    if request.method in IDEMPOTENT_METHODS and "idempotency-key" not in request.headers:
        request.headers["Idempotency-Key"] = str(uuid.uuid4())


class RetryTransport(httpx.BaseTransport):
    def __init__(self, policy: RetryPolicy, transport: httpx.BaseTransport | None = None):
        self.policy = policy
        self.transport = transport or httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        _with_idempotency_key(request)
        request.read()  # the body is sent again on a retry
        retry = 0
        while True:
            retry += 1
            try:
                response = self.transport.handle_request(request)
            except httpx.TransportError as error:
                delay = self.policy.delay_for(retry, None)
                if delay is None:
                    raise ApiConnectionError(f"Connection failed: {error}") from error
                self.policy.notify(retry, request, None, delay)
                time.sleep(delay)
                continue
            if response.status_code not in RETRYABLE_STATUSES:
                return response
            response.read()
            delay = self.policy.delay_for(retry, response)
            if delay is None:
                return response
            response.close()
            self.policy.notify(retry, request, response.status_code, delay)
            time.sleep(delay)

    def close(self) -> None:
        self.transport.close()


class AsyncRetryTransport(httpx.AsyncBaseTransport):
    def __init__(self, policy: RetryPolicy, transport: httpx.AsyncBaseTransport | None = None):
        self.policy = policy
        self.transport = transport or httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        _with_idempotency_key(request)
        await request.aread()
        retry = 0
        while True:
            retry += 1
            try:
                response = await self.transport.handle_async_request(request)
            except httpx.TransportError as error:
                delay = self.policy.delay_for(retry, None)
                if delay is None:
                    raise ApiConnectionError(f"Connection failed: {error}") from error
                self.policy.notify(retry, request, None, delay)
                await asyncio.sleep(delay)
                continue
            if response.status_code not in RETRYABLE_STATUSES:
                return response
            await response.aread()
            delay = self.policy.delay_for(retry, response)
            if delay is None:
                return response
            await response.aclose()
            self.policy.notify(retry, request, response.status_code, delay)
            await asyncio.sleep(delay)

    async def aclose(self) -> None:
        await self.transport.aclose()


def _raise(response: httpx.Response) -> None:
    try:
        body = json.loads(response.content) if response.content else None
    except ValueError:
        body = None
    headers = {name.lower(): value for name, value in response.headers.items()}
    raise error_from_problem(response.status_code, body, headers)


def raise_for_problem(response: httpx.Response) -> None:
    """httpx response hook: raise the typed error of any 4xx/5xx answer."""
    if response.status_code >= 400:
        response.read()
        _raise(response)


async def araise_for_problem(response: httpx.Response) -> None:
    if response.status_code >= 400:
        await response.aread()
        _raise(response)
