"""Idempotency keys for unsafe API requests (POST, PATCH), as in DESIGN.md's public contract.

A client sends ``Idempotency-Key: <1-255 printable ASCII characters>``; retrying with the same
key then can never apply a change twice:

- same key, same request (method, path, query and JSON body) → the first response is replayed,
  with ``Idempotent-Replayed: true``;
- same key, another request → 422 ``idempotency_key_reused``;
- same key while the first request is still running → 409 ``idempotency_request_in_flight``.

Records live in Redis (the tenant-aware cache), scoped to the API key, for 24 hours. Only
successful (2xx) responses are stored: a failed request changed nothing (services are
transactional), so its retry simply runs again. The in-flight marker expires after
``IN_FLIGHT_TTL`` so that a crashed worker cannot block a key for a day.

While Redis is unreachable a request *with* an ``Idempotency-Key`` is refused with 503
``idempotency_unavailable`` (and ``Retry-After``) before the handler runs: without its record the
server could not keep the promise that a retry never applies the change twice, and refusing
changes nothing. Requests without the header are served as usual (the gateway fails open). If
Redis fails only after the handler ran, the response is still returned; the in-flight marker then
expires by itself.

Usage — decorate the handler of any view whose ``initial()`` authenticates with an API key
(``request.api_key``), e.g. every ``api.bases.ApiView``::

    class WebhookEndpointListView(ApiView):
        @idempotent
        def post(self, request): ...
"""

import functools
import hashlib
import json
import logging
import re

from django.core.cache import cache
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import RedisError
from rest_framework.response import Response

from core.errors import ConflictError, DomainError

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
TTL = 24 * 60 * 60
IN_FLIGHT_TTL = 60
KEY_PATTERN = re.compile(r"^[\x21-\x7e]{1,255}$")
# Response headers worth replaying; rate-limit and request-id headers belong to the retry itself.
REPLAYED_RESPONSE_HEADERS = ("Location",)
UNAVAILABLE_RETRY_AFTER_SECONDS = 5
_CACHE_ERRORS = (ConnectionInterrupted, RedisError, OSError)

logger = logging.getLogger(__name__)


class IdempotencyKeyReusedError(DomainError):
    status = 422
    code = "idempotency_key_reused"
    title = "Idempotency key reused"


class IdempotencyKeyInvalidError(DomainError):
    status = 400
    code = "invalid_idempotency_key"
    title = "Invalid idempotency key"


class IdempotencyUnavailableError(DomainError):
    status = 503
    code = "idempotency_unavailable"
    title = "Idempotency unavailable"

    def __init__(self, detail: str, **extra):
        super().__init__(detail, **extra)
        self.headers = {"Retry-After": str(UNAVAILABLE_RETRY_AFTER_SECONDS)}


class IdempotencyRequestInFlightError(ConflictError):
    code = "idempotency_request_in_flight"
    title = "Request in flight"


def _owner(request) -> str:
    api_key = getattr(request, "api_key", None)
    key_id = getattr(api_key, "key_id", None) or getattr(api_key, "pk", None)
    if key_id is None:
        raise RuntimeError("idempotent views need an authenticated API key")
    return str(key_id)


def _cache_key(request, idempotency_key: str) -> str:
    digest = hashlib.sha256(idempotency_key.encode()).hexdigest()
    return f"idem:{_owner(request)}:{digest}"


def request_fingerprint(request) -> str:
    """What makes two requests "the same": method, path with query, and the parsed body (so
    key order and whitespace in the JSON do not matter)."""
    body = json.dumps(request.data, sort_keys=True, separators=(",", ":"), default=str)
    raw = f"{request.method}\n{request.get_full_path()}\n{body}"
    return hashlib.sha256(raw.encode()).hexdigest()


def idempotent(handler):
    """Decorate a DRF view handler (``post``/``patch``) to honour ``Idempotency-Key``."""

    @functools.wraps(handler)
    def wrapper(view, request, *args, **kwargs):
        idempotency_key = request.headers.get(HEADER)
        if idempotency_key is None:
            return handler(view, request, *args, **kwargs)
        if not KEY_PATTERN.match(idempotency_key):
            raise IdempotencyKeyInvalidError(
                f"{HEADER} must be 1-255 printable ASCII characters without spaces."
            )
        cache_key = _cache_key(request, idempotency_key)
        fingerprint = request_fingerprint(request)
        try:
            is_first = cache.add(
                cache_key, {"state": "in_flight", "fingerprint": fingerprint}, IN_FLIGHT_TTL
            )
            existing = None if is_first else cache.get(cache_key)
        except _CACHE_ERRORS:
            raise IdempotencyUnavailableError(
                f"Requests with an {HEADER} cannot be served right now (their records are "
                f"unreachable); nothing was changed. Retry in {UNAVAILABLE_RETRY_AFTER_SECONDS} s."
            ) from None
        if not is_first:
            return _answer_existing(existing, fingerprint, idempotency_key) or wrapper(
                view, request, *args, **kwargs
            )
        try:
            response = handler(view, request, *args, **kwargs)
        except BaseException:
            _forget(cache_key)
            raise
        try:
            _remember(cache_key, fingerprint, response)
        except _CACHE_ERRORS:
            logger.warning("idempotency record of %s not stored (Redis unreachable)", cache_key)
        return response

    # Read by the OpenAPI hook (api/v1/schema.py) to document the header on this operation.
    wrapper.is_idempotent = True
    return wrapper


def _forget(cache_key: str) -> None:
    try:
        cache.delete(cache_key)
    except _CACHE_ERRORS:
        pass  # the in-flight marker expires after IN_FLIGHT_TTL by itself


def _remember(cache_key: str, fingerprint: str, response) -> None:
    if 200 <= response.status_code < 300:
        cache.set(
            cache_key,
            {
                "state": "done",
                "fingerprint": fingerprint,
                "status": response.status_code,
                "data": response.data,
                "headers": {
                    name: response[name]
                    for name in REPLAYED_RESPONSE_HEADERS
                    if response.has_header(name)
                },
            },
            TTL,
        )
    else:
        cache.delete(cache_key)


def _answer_existing(record: dict | None, fingerprint: str, idempotency_key: str):
    """The answer for a key already seen; None if its record vanished meanwhile (retry)."""
    if record is None:
        return None
    if record["fingerprint"] != fingerprint:
        raise IdempotencyKeyReusedError(
            f"The {HEADER} {idempotency_key!r} was used for a different request in the last "
            "24 hours; use a new key for a new request."
        )
    if record["state"] == "in_flight":
        raise IdempotencyRequestInFlightError(
            f"A request with the {HEADER} {idempotency_key!r} is still being processed; "
            "retry when it has finished."
        )
    response = Response(record["data"], status=record["status"], headers=record["headers"])
    response[REPLAYED_HEADER] = "true"
    return response
