"""A small per-process TTL cache with single-flight loading.

Used for answers that must cost no SQL on a warm request yet go stale within seconds (host →
tenant, API key → context). Requests run in parallel threads (ASGI), so when an entry expires
under load, one thread loads it and the others wait for that answer instead of all querying
PostgreSQL at once.
"""

import threading
import time
from collections.abc import Callable

_MISSING = object()


class TtlCache:
    def __init__(self, *, ttl: float, max_entries: int = 10_000):
        self.ttl = ttl
        self.max_entries = max_entries
        self._entries: dict[str, tuple[float, object]] = {}
        self._lock = threading.Lock()
        self._load_lock = threading.Lock()

    def get(self, key: str, default=None):
        entry = self._entries.get(key)
        if entry is None or entry[0] < time.monotonic():
            return default
        return entry[1]

    def set(self, key: str, value: object, ttl: float | None = None) -> None:
        with self._lock:
            if len(self._entries) >= self.max_entries:
                self._entries.clear()
            self._entries[key] = (time.monotonic() + (self.ttl if ttl is None else ttl), value)

    def get_or_load(self, key: str, load: Callable[[], object], ttl: float | None = None):
        """The cached value, or ``load()``'s (cached, ``None`` included) — one loader at a time."""
        value = self.get(key, _MISSING)
        if value is not _MISSING:
            return value
        with self._load_lock:
            value = self.get(key, _MISSING)
            if value is _MISSING:
                value = load()
                self.set(key, value, ttl)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
