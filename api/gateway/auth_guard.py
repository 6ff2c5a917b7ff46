"""Failed authentications per client address, limited before any PostgreSQL lookup.

A key with a valid checksum that this process does not know costs a PostgreSQL lookup, and no
plan limit applies before a key is verified. So each client address may fail at most
``API_AUTH_FAILURE_LIMIT`` authentications per ``API_AUTH_FAILURE_WINDOW_SECONDS`` (a fixed window
that starts at its first failure); past that, every key it presents that is not already verified in
this process is refused with 429 ``too_many_failed_authentications`` and ``Retry-After`` without a
lookup. What counts as a failure: a well-formed key that is unknown, revoked, expired, rolled out or
used on another tenant's host. Malformed keys cost no lookup and do not count.

What holds:

- a client with a valid key is never slowed by other addresses' failures: the counter is per
  address, and a key verified in this process (the key cache) is served without consulting it;
- PostgreSQL lookups of one address are bounded by the limit per window (plus the requests it has
  in flight when it crosses the limit), in every process together — the counter lives in Redis;
- Redis down: fail open to a counter per process (the same limit, so N processes allow N times
  it), as the rest of the gateway does; the gateway's Redis circuit (``pipeline.redis_state``)
  keeps an outage from costing each call a connection timeout.

The client address is ``REMOTE_ADDR``; ``X-Forwarded-For`` is believed only as far as
``API_TRUSTED_PROXY_COUNT`` proxies of ours append to it. HTTP requests get it bound by
``api.middleware.ApiEdgeMiddleware``; other callers pass it to ``key_authenticate``.
"""

import threading
import time
from contextvars import ContextVar, Token

from django.conf import settings
from redis.exceptions import RedisError

from api.gateway.errors import GatewayError
from api.gateway.pipeline import redis_client, redis_state

KEY_PREFIX = "oc:authfail:"
# Per-process memory is bounded: past this many addresses a table starts again (an attacker with
# that many addresses gets at most one more window from each).
MAX_TRACKED_ADDRESSES = 100_000

_client_address: ContextVar[str] = ContextVar("openchance_client_address", default="")


class TooManyFailedAuthenticationsError(GatewayError):
    status = 429
    code = "too_many_failed_authentications"
    title = "Too many failed authentications"


def client_address_of(request) -> str:
    """The address the failed-authentication limit applies to (see module)."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    trusted = settings.API_TRUSTED_PROXY_COUNT
    if trusted <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    # Our proxies each append the address they saw: the trusted-th entry from the right is the
    # one the outermost of them saw; anything left of it is whatever the client claimed.
    return forwarded[-trusted] if len(forwarded) >= trusted else remote


def client_address_set(address: str) -> Token:
    """Bind ``address`` (the request's) until ``client_address_reset(token)``; a plain token
    rather than a generator-based context manager, which costs several times a ``try``."""
    return _client_address.set(address)


def client_address_reset(token: Token) -> None:
    _client_address.reset(token)


def client_address_current() -> str:
    return _client_address.get()


class _LocalWindows:
    """Per-process fixed windows: failures while Redis is down, and addresses known blocked."""

    def __init__(self):
        self._lock = threading.Lock()
        self._failures: dict[str, tuple[float, int]] = {}  # address -> (window end, failures)
        self._blocked: dict[str, float] = {}  # address -> blocked until (monotonic)

    def blocked_for(self, address: str) -> float:
        until = self._blocked.get(address)
        if until is None:
            return 0.0
        left = until - time.monotonic()
        if left <= 0:
            self._blocked.pop(address, None)
            return 0.0
        return left

    def block(self, address: str, seconds: float) -> None:
        with self._lock:
            if len(self._blocked) >= MAX_TRACKED_ADDRESSES:
                self._blocked.clear()
            self._blocked[address] = time.monotonic() + seconds

    def failures(self, address: str) -> tuple[int, float]:
        """(failures in the current window, seconds left in it)."""
        window_end, count = self._failures.get(address, (0.0, 0))
        left = window_end - time.monotonic()
        return (count, left) if left > 0 else (0, 0.0)

    def record(self, address: str, window: float) -> None:
        now = time.monotonic()
        with self._lock:
            window_end, count = self._failures.get(address, (0.0, 0))
            if window_end <= now:
                if len(self._failures) >= MAX_TRACKED_ADDRESSES:
                    self._failures.clear()
                window_end, count = now + window, 0
            self._failures[address] = (window_end, count + 1)

    def clear(self) -> None:
        with self._lock:
            self._failures.clear()
            self._blocked.clear()


_local = _LocalWindows()


def _refused(seconds_left: float) -> TooManyFailedAuthenticationsError:
    retry_after = max(1, int(seconds_left + 0.999))
    limit = settings.API_AUTH_FAILURE_LIMIT
    window = settings.API_AUTH_FAILURE_WINDOW_SECONDS
    return TooManyFailedAuthenticationsError(
        f"More than {limit} failed authentications from this address within {window} s; "
        f"retry after {retry_after} s with a valid API key.",
        headers={"Retry-After": str(retry_after)},
        limit={"name": "failed_authentications", "limit": limit, "window_seconds": window},
        retry_after=retry_after,
    )


def auth_failures_check(address: str) -> None:
    """Raise ``TooManyFailedAuthenticationsError`` if ``address`` is past its limit. Call it
    before a lookup that only a valid key justifies; no address (not an HTTP call) passes."""
    if not address:
        return
    left = _local.blocked_for(address)
    if left:
        raise _refused(left)
    limit = settings.API_AUTH_FAILURE_LIMIT
    count, left = _failures_of(address)
    if count >= limit:
        _local.block(address, left)
        raise _refused(left)


def _failures_of(address: str) -> tuple[int, float]:
    if redis_state.is_available:
        try:
            pipe = redis_client().pipeline(transaction=False)
            pipe.get(KEY_PREFIX + address)
            pipe.pttl(KEY_PREFIX + address)
            count, ttl_ms = pipe.execute()
        except RedisError as exc:
            redis_state.failed(exc)
        else:
            return int(count or 0), max(ttl_ms or 0, 0) / 1000
    return _local.failures(address)


def auth_failure_record(address: str) -> None:
    """Count one failed authentication of ``address`` (never raises)."""
    if not address:
        return
    window = settings.API_AUTH_FAILURE_WINDOW_SECONDS
    if redis_state.is_available:
        try:
            pipe = redis_client().pipeline(transaction=False)
            # The window starts with the first failure: NX leaves a running window alone.
            pipe.set(KEY_PREFIX + address, 0, ex=window, nx=True)
            pipe.incr(KEY_PREFIX + address)
            pipe.execute()
            return
        except RedisError as exc:
            redis_state.failed(exc)
    _local.record(address, window)


def auth_failures_reset(address: str | None = None) -> None:
    """Forget failures (of one address, or this process's memory of all): tests, operators."""
    _local.clear()
    if address:
        try:
            redis_client().delete(KEY_PREFIX + address)
        except RedisError:
            pass
