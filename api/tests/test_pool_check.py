"""The pool's checkout check (``tenants.postgresql_backend.connection_check``): a connection that
PostgreSQL ended while it waited in the pool is never lent, while a healthy connection that went
back to the pool moments ago is lent without a round trip (the check is a local poll of its
socket); one idle longer than ``DATABASE_POOL_CHECK_IDLE_SECONDS`` is checked by a round trip.

What PostgreSQL last received on a session is its ``pg_stat_activity.query``: the check's round
trip is an empty query, the pool's check-in reset is ``RESET search_path``.
"""

import time

import psycopg
import pytest
from django.db import connection
from django.test import override_settings

from core.testing import database_url, wait_for
from tenants.postgresql_backend.base import connection_check


@pytest.fixture
def observer():
    """A connection of its own, outside the pool, to look at (and end) the pool's sessions."""
    with psycopg.connect(database_url(), autocommit=True) as conn:
        yield conn


def _last_query(observer, pid: int) -> str:
    row = observer.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone()
    return row[0] if row else None


def _returned(pool, raw) -> None:
    """Give ``raw`` back and wait until the pool's worker has reset it (idle in the pool)."""
    pool.putconn(raw)
    wait_for(lambda: getattr(raw, "_openchance_idle_since", 0) > 0, timeout=10)


def _idle_connection(pool):
    raw = pool.getconn(timeout=5)
    raw._openchance_idle_since = 0
    _returned(pool, raw)
    return raw, raw.info.backend_pid


@pytest.mark.django_db
def test_a_connection_that_postgresql_ended_in_the_pool_is_never_lent(observer):
    # given a connection waiting in the pool whose session PostgreSQL then ends
    pool = connection.pool
    _raw, pid = _idle_connection(pool)
    observer.execute("SELECT pg_terminate_backend(%s)", [pid])
    wait_for(lambda: _last_query(observer, pid) is None, timeout=10)

    # when the pool lends every connection it has
    lent = [pool.getconn(timeout=5) for _ in range(pool.max_size - 1)]
    try:
        # then none of them is the ended one, and every one works
        assert pid not in [raw.info.backend_pid for raw in lent]
        assert [raw.execute("SELECT 1").fetchone()[0] for raw in lent] == [1] * len(lent)
    finally:
        for raw in lent:
            pool.putconn(raw)


@pytest.mark.django_db
def test_a_connection_back_moments_ago_is_lent_without_a_round_trip(observer):
    # given a healthy connection just given back (the reset was the last thing it received)
    pool = connection.pool
    raw, pid = _idle_connection(pool)
    assert _last_query(observer, pid) == "RESET search_path"

    # when the checkout check runs on it
    connection_check(raw)

    # then PostgreSQL received nothing
    assert _last_query(observer, pid) == "RESET search_path"


@pytest.mark.django_db
def test_a_connection_idle_for_long_is_checked_by_a_round_trip(observer):
    # given a healthy connection idle in the pool longer than the setting allows
    pool = connection.pool
    raw, pid = _idle_connection(pool)
    time.sleep(0.05)

    # when the checkout check runs on it
    with override_settings(DATABASE_POOL_CHECK_IDLE_SECONDS=0.01):
        connection_check(raw)

    # then it was asked for an answer (an empty query)
    assert _last_query(observer, pid) == ""


@pytest.mark.django_db
def test_a_connection_whose_session_ended_fails_the_check(observer):
    pool = connection.pool
    raw = pool.getconn(timeout=5)
    try:
        observer.execute("SELECT pg_terminate_backend(%s)", [raw.info.backend_pid])
        wait_for(lambda: _last_query(observer, raw.info.backend_pid) is None, timeout=10)
        with pytest.raises(psycopg.OperationalError):
            connection_check(raw)
    finally:
        pool.putconn(raw)
