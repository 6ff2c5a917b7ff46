"""Invalidation hooks: how a write reaches the per-process caches that read what it changed.

Lower layers own the writes (``tenants`` suspends a tenant, ``apikeys`` revokes a key, ``billing``
changes a plan); higher layers own caches of what those writes touch (the gateway's key cache, the
host cache). A cache registers a callback for a *topic* (``"tenant"``, ``"api_key"``, ``"plan"``)
in its ``AppConfig.ready()``; a service calls ``caches_invalidate(topic)`` after its write, which
runs every callback of the topic now — so the process that made the change sees it at once — and
again when the transaction commits, in case a request of this process cached the old row in
between. Other processes forget within their caches' TTL (``API_KEY_CACHE_SECONDS``, 5 s).
"""

import logging
from collections import defaultdict
from collections.abc import Callable

from django.db import transaction

logger = logging.getLogger(__name__)

TOPICS = frozenset({"tenant", "api_key", "plan"})
_callbacks: dict[str, list[Callable[[], None]]] = defaultdict(list)


def cache_invalidation_register(topic: str, callback: Callable[[], None]) -> None:
    """Call ``callback`` whenever ``topic`` changes (idempotent per callback)."""
    if topic not in TOPICS:
        raise ValueError(f"Unknown invalidation topic {topic!r}; topics: {sorted(TOPICS)}.")
    if callback not in _callbacks[topic]:
        _callbacks[topic].append(callback)


def _run(topic: str) -> None:
    for callback in list(_callbacks[topic]):
        try:
            callback()
        except Exception:  # a cache that fails to clear must not fail the write that changed it
            logger.exception("cache invalidation %r failed in %r", topic, callback)


def caches_invalidate(*topics: str) -> None:
    """Clear every cache registered for ``topics`` now and again on commit (see module)."""
    for topic in topics:
        if topic not in TOPICS:
            raise ValueError(f"Unknown invalidation topic {topic!r}.")
        _run(topic)
        transaction.on_commit(lambda topic=topic: _run(topic))
