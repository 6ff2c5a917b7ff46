"""The in-process response cache of the marketplace read routes (``ApiView.is_response_cached``).

A hit skips only the view's own work — parsing its parameters, the queries, the rendering. The
gateway runs on every call before the lookup (authentication, limits and quota charged, scope
checked) and after it (rate-limit headers, metering, request id), so a hit is answered, counted
and headed like a miss.

The key is everything a cached route's answer depends on: the schema (live and sandbox tenants
have their own) and its data generation as this call's limit script read it (see
``api.data_generation`` for why an answer cached under a generation is never stale), the path,
the raw query string exactly as sent, the key's scopes (``expand`` and the event list depend on
them: a less privileged key never gets a privileged key's answer), the livemode and the
negotiated renderer and media type (``Accept: application/json; indent=4`` renders differently).
No caching at all when the generation is unknown (Redis unreachable), nor in a request whose
connection holds uncommitted writes to the schema.

Only a 200 that went through the view is stored: its body and the headers the view and DRF set
(not the per-call ones: rate-limit values, request id). Bounded by entries
(``API_RESPONSE_CACHE_MAX_ENTRIES``) and bytes (``API_RESPONSE_CACHE_MAX_BYTES``), least recently
used first out; a body over ``API_RESPONSE_CACHE_MAX_BODY_BYTES`` is not stored. An entry lives
at most ``API_RESPONSE_CACHE_SECONDS`` (what write tracking cannot see, see
``api.data_generation``); 0 turns the cache off: no lookup, no store.
"""

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.http import HttpResponse

from api.data_generation import schema_write_pending
from core.headers import headers_set

# Set per call, after the view (``ApiView._limit_headers_add``, the request id middleware).
PER_CALL_HEADERS = frozenset(
    {
        "x-ratelimit-limit",
        "x-ratelimit-remaining",
        "x-ratelimit-reset",
        "ratelimit-policy",
        "ratelimit",
        "retry-after",
        "x-request-id",
    }
)
# What an entry costs besides its body and headers (key, bookkeeping), for the byte bound.
_ENTRY_OVERHEAD_BYTES = 256


@dataclass(frozen=True, slots=True)
class CachedResponse:
    body: bytes
    headers: tuple[tuple[str, str], ...]  # Content-Type included
    stored_at: float  # time.monotonic()
    size: int

    def response(self) -> HttpResponse:
        response = HttpResponse(self.body, status=200)
        headers_set(response, self.headers)
        return response


class ResponseCache:
    """A thread-safe LRU map from a key to a ``CachedResponse``, bounded by entries and bytes.
    ``lookups``, ``hits`` and ``stores`` count what it did (for tests and benchmarks)."""

    def __init__(self):
        self._entries: OrderedDict[tuple, CachedResponse] = OrderedDict()
        self._lock = threading.Lock()
        self.total_bytes = 0
        self.lookups = self.hits = self.stores = 0

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: tuple, *, max_age: float) -> CachedResponse | None:
        now = time.monotonic()
        with self._lock:
            self.lookups += 1
            entry = self._entries.get(key)
            if entry is None:
                return None
            if now - entry.stored_at >= max_age:
                self._remove(key)
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return entry

    def put(self, key: tuple, body: bytes, headers: tuple[tuple[str, str], ...]) -> bool:
        """Store ``body`` under ``key``; False when it is over the body bound."""
        if len(body) > settings.API_RESPONSE_CACHE_MAX_BODY_BYTES:
            return False
        size = (
            len(body)
            + sum(len(part) for part in key if isinstance(part, str))
            + sum(len(name) + len(value) for name, value in headers)
            + _ENTRY_OVERHEAD_BYTES
        )
        entry = CachedResponse(body=body, headers=headers, stored_at=time.monotonic(), size=size)
        max_entries = settings.API_RESPONSE_CACHE_MAX_ENTRIES
        max_bytes = settings.API_RESPONSE_CACHE_MAX_BYTES
        with self._lock:
            if key in self._entries:
                self._remove(key)
            self._entries[key] = entry
            self.total_bytes += size
            self.stores += 1
            while self._entries and (
                len(self._entries) > max_entries or self.total_bytes > max_bytes
            ):
                self._remove(next(iter(self._entries)))
        return True

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.total_bytes = 0

    def _remove(self, key: tuple) -> None:
        self.total_bytes -= self._entries.pop(key).size


response_cache = ResponseCache()


def response_cache_key(request, *, data_generation: int | None) -> tuple | None:
    """The key of this call's answer (``request``: DRF's, after the gateway), or None when the
    cache must not be used: switched off, generation unknown (Redis unreachable), or the
    connection holds uncommitted writes to the call's schema."""
    if settings.API_RESPONSE_CACHE_SECONDS <= 0 or data_generation is None:
        return None
    django_request = request._request
    schema_name = django_request.tenant.schema_name
    if schema_write_pending(connection, schema_name):
        return None
    return (
        schema_name,
        data_generation,
        django_request.method,
        django_request.path,
        django_request.META.get("QUERY_STRING", ""),
        frozenset(django_request.api_key.scopes),
        django_request.livemode,
        request.accepted_renderer.format,
        request.accepted_media_type,
        request.version,
    )


def response_cache_get(key: tuple) -> CachedResponse | None:
    return response_cache.get(key, max_age=settings.API_RESPONSE_CACHE_SECONDS)


def response_cache_put(key: tuple, response) -> bool:
    """Store a rendered 200 ``response`` of the view under ``key`` (anything else: False)."""
    if (
        response.status_code != 200
        or getattr(response, "streaming", False)
        or getattr(response, "exception", False)
        or not getattr(response, "is_rendered", True)
    ):
        return False
    headers = tuple(
        (name, value) for name, value in response.items() if name.lower() not in PER_CALL_HEADERS
    )
    return response_cache.put(key, bytes(response.content), headers)
