"""A small per-process cache: LRU-bounded, entries expire, one loader per key.

Used for answers that must cost no SQL on a warm request yet go stale within seconds (host →
tenant, API key → context). What holds:

- **Bounded.** At most ``max_entries`` entries; past that the least recently used goes, never the
  whole cache (a flood of one-off keys or hosts evicts only itself and the coldest entries).
- **Expiry.** An entry is served for ``ttl`` seconds after it was loaded. With ``confirmed_ttl``
  it is served for up to that long while the process's invalidations are *confirmed*
  (``freshness``): some component has, within the last ``ttl`` seconds, checked the shared
  invalidation generation and cleared its caches if it had moved (the API gateway does it on
  every call's Redis round trip, ``api.gateway.pipeline``). A change made through a service then
  reaches the process at once, and the long life costs nothing in staleness; when nothing
  confirms (Redis down, an idle process) entries fall back to ``ttl``.
- **Single flight, per key.** Requests run in parallel threads: when an entry is missing or
  expired under load, one thread loads it and the others wanting the *same* key wait for its
  answer (or its error) instead of all querying PostgreSQL; other keys never wait.
- **Invalidation wins.** ``clear()`` during a load: the loaded value goes to the callers waiting
  for it but is not stored, since it may predate the change that cleared the cache.

Thread-safe; every operation holds one lock for a few dictionary operations.
"""

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

_MISSING = object()


class CacheFreshness:
    """When this process last confirmed that its caches reflect every invalidation (see
    module). One per process: ``core.cache.freshness``."""

    def __init__(self):
        self._confirmed_at = float("-inf")

    def confirm(self) -> None:
        self._confirmed_at = time.monotonic()

    def confirmed_within(self, seconds: float) -> bool:
        return time.monotonic() - self._confirmed_at <= seconds

    def reset(self) -> None:
        self._confirmed_at = float("-inf")


freshness = CacheFreshness()


class _Flight:
    """One key's load in progress: the callers that want the same key wait for its outcome."""

    def __init__(self):
        self.done = threading.Event()
        self.value: object = None
        self.error: BaseException | None = None


class TtlCache:
    def __init__(
        self,
        *,
        ttl: float,
        max_entries: int = 10_000,
        confirmed_ttl: float | None = None,
        is_none_confirmable: bool = True,
    ):
        """``is_none_confirmable=False``: a cached ``None`` (e.g. "no such host") lives ``ttl``
        only, so that something created past the services shows up as fast as before."""
        self.ttl = ttl
        self.confirmed_ttl = confirmed_ttl
        self.is_none_confirmable = is_none_confirmable
        self.max_entries = max_entries
        # key -> (fresh until, served while confirmed until, ttl, value); least recently used
        # first. Times are time.monotonic().
        self._entries: OrderedDict[str, tuple[float, float, float, object]] = OrderedDict()
        self._flights: dict[str, _Flight] = {}
        self._generation = 0  # moves on clear(): a load that started before it is not stored
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: str, default=None):
        now = time.monotonic()
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return default
            fresh_until, confirmed_until, ttl, value = entry
            if now >= fresh_until and (
                now >= confirmed_until or not freshness.confirmed_within(ttl)
            ):
                del self._entries[key]
                return default
            self._entries.move_to_end(key)
            return value

    def set(self, key: str, value: object, ttl: float | None = None) -> None:
        """Store ``value`` for ``ttl`` seconds (default: the cache's), or up to ``confirmed_ttl``
        while confirmed (see module)."""
        with self._lock:
            self._store(key, value, ttl)

    def _store(self, key: str, value: object, ttl: float | None) -> None:
        now = time.monotonic()
        ttl = self.ttl if ttl is None else ttl
        confirmed = ttl
        if self.confirmed_ttl is not None and (value is not None or self.is_none_confirmable):
            confirmed = max(ttl, self.confirmed_ttl)
        self._entries[key] = (now + ttl, now + confirmed, ttl, value)
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def get_or_load(self, key: str, load: Callable[[], object], ttl: float | None = None):
        """The cached value, or ``load()``'s (cached, ``None`` included) — one loader per key;
        the others wanting the key share its value or its exception."""
        value = self.get(key, _MISSING)
        if value is not _MISSING:
            return value
        with self._lock:
            flight = self._flights.get(key)
            is_leader = flight is None
            if is_leader:
                flight = self._flights[key] = _Flight()
                generation = self._generation
        if not is_leader:
            flight.done.wait()
            if flight.error is not None:
                raise flight.error
            return flight.value
        try:
            flight.value = load()
        except BaseException as exc:
            flight.error = exc
            raise
        finally:
            with self._lock:
                if flight.error is None and generation == self._generation:
                    self._store(key, flight.value, ttl)
                self._flights.pop(key, None)
            flight.done.set()
        return flight.value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._generation += 1
