"""``core.cache.TtlCache``: LRU-bounded, expiring, one loader per key, invalidation wins."""

import threading
import time

import pytest

from core.cache import TtlCache, freshness


@pytest.fixture(autouse=True)
def _unconfirmed():
    freshness.reset()
    yield
    freshness.reset()


def test_past_max_entries_the_least_recently_used_goes():
    cache = TtlCache(ttl=60, max_entries=3)
    for key in "abc":
        cache.set(key, key.upper())
    assert cache.get("a") == "A"  # a is now the most recently used

    cache.set("d", "D")

    assert len(cache) == 3
    assert cache.get("b") is None  # the coldest went, not everything
    assert [cache.get(key) for key in "acd"] == ["A", "C", "D"]


def test_a_flood_of_new_keys_keeps_the_cache_bounded():
    cache = TtlCache(ttl=60, max_entries=100)
    cache.set("hot", 1)
    for index in range(10_000):
        cache.set(f"flood-{index}", index)
        if index % 50 == 0:
            assert cache.get("hot") == 1  # kept warm by use

    assert len(cache) == 100 and cache.get("hot") == 1


def test_entries_expire_after_their_ttl():
    cache = TtlCache(ttl=0.05)
    cache.set("a", 1)
    cache.set("b", 2, ttl=5)

    time.sleep(0.08)

    assert cache.get("a") is None and cache.get("b") == 2
    assert len(cache) == 1


def test_confirmed_entries_outlive_their_ttl_only_while_confirmed():
    cache = TtlCache(ttl=0.05, confirmed_ttl=5, is_none_confirmable=False)
    cache.set("known", "tenant")
    cache.set("unknown", None)
    time.sleep(0.08)

    freshness.confirm()
    assert cache.get("known") == "tenant"  # confirmed within the last ttl: still served
    assert cache.get("unknown", "missing") == "missing"  # a None is never extended

    time.sleep(0.08)  # the confirmation is now older than ttl: back to ttl
    assert cache.get("known") is None


def test_one_loader_per_key_the_others_share_its_value():
    cache = TtlCache(ttl=60)
    calls = []
    release = threading.Event()

    def load():
        calls.append(1)
        release.wait(5)
        return "value"

    results = []
    threads = [
        threading.Thread(target=lambda: results.append(cache.get_or_load("k", load)))
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    time.sleep(0.1)
    release.set()
    for thread in threads:
        thread.join(5)

    assert calls == [1] and results == ["value"] * 8


def test_other_keys_do_not_wait_for_a_slow_load():
    cache = TtlCache(ttl=60)
    release = threading.Event()
    slow = threading.Thread(
        target=lambda: cache.get_or_load("slow", lambda: release.wait(5) and "slow")
    )
    slow.start()
    time.sleep(0.05)

    started = time.monotonic()
    assert cache.get_or_load("fast", lambda: "fast") == "fast"
    assert time.monotonic() - started < 1

    release.set()
    slow.join(5)
    assert cache.get("slow") == "slow"


def test_the_waiting_callers_share_the_loaders_error_and_nothing_is_cached():
    cache = TtlCache(ttl=60)
    release = threading.Event()
    calls, errors = [], []

    def load():
        calls.append(1)
        release.wait(5)
        raise ConnectionError("database down")

    def call():
        try:
            cache.get_or_load("k", load)
        except ConnectionError as exc:
            errors.append(exc)

    threads = [threading.Thread(target=call) for _ in range(4)]
    for thread in threads:
        thread.start()
    time.sleep(0.1)
    release.set()
    for thread in threads:
        thread.join(5)

    assert calls == [1] and len(errors) == 4
    assert cache.get("k", "missing") == "missing"


def test_a_clear_during_a_load_wins_over_the_loaded_value():
    cache = TtlCache(ttl=60)
    release = threading.Event()
    result = []
    loader = threading.Thread(
        target=lambda: result.append(cache.get_or_load("k", lambda: release.wait(5) and "old"))
    )
    loader.start()
    time.sleep(0.05)

    cache.clear()  # e.g. the key was revoked while its old row was being read
    release.set()
    loader.join(5)

    assert result == ["old"]  # the caller that asked before the change gets what it read
    assert cache.get("k", "missing") == "missing"  # but it is not kept
    assert cache.get_or_load("k", lambda: "new") == "new"
