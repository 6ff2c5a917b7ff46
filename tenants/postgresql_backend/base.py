"""The PostgreSQL backend: django-tenants' schema switching on Django's psycopg pool, made safe.

``DATABASES["default"]["ENGINE"] = "tenants.postgresql_backend"``. With ``OPTIONS["pool"]`` set
(openchance/settings.py) every process holds at most ``max_size`` connections whatever the load:
a request borrows one at its first query and gives it back when it ends (``CONN_MAX_AGE = 0``
returns it at ``request_finished``). Under ASGI, where each request runs in a thread of its own,
persistent connections would leak one per thread instead.

The search path. django-tenants remembers on the *wrapper* (one per thread) which schemas it last
set (``search_path_set_schemas``), while the session setting lives on the *physical* connection,
which the pool hands from thread to thread. django-tenants issues ``SET search_path`` before every
cursor (``TENANT_LIMIT_SET_CALLS`` off, our setting) and forgets its cache in ``close()``, so a
borrowed connection is switched before any ORM statement runs. This backend makes that hold by
construction rather than by those two details:

- every checkout forgets the wrapper's cached schemas, so the next cursor sets them (also with
  ``TENANT_LIMIT_SET_CALLS`` on);
- every check-in resets the session's ``search_path`` (the pool's ``reset`` callback, run by a pool
  worker off the request path), so a connection waiting in the pool never carries a tenant's
  schema, and a statement that somehow ran before the ``SET`` would find the public schema — where
  no tenant table exists — never another tenant's data.

The checkout check. ``CONN_HEALTH_CHECKS`` makes psycopg's pool check each connection it lends
with a round trip (an empty query): ~14 % of a list call's CPU, plus a wait for PostgreSQL, on
every request. ``connection_check`` asks for that round trip only where it can find something:
a connection whose socket has something to read (PostgreSQL closed it, restarted or sent an
error: an idle session receives nothing else) or that has been idle in the pool longer than
``DATABASE_POOL_CHECK_IDLE_SECONDS`` (a firewall or NAT may have dropped it without a word);
otherwise a local poll of the socket is the whole check. A connection that fails the check is
discarded by the pool and the next one is tried, as before.

Two pool hazards Django leaves open are closed here:

- **a thread that ends holding a connection** (a test thread, a thread that never reached
  ``request_finished``) would lose its pool slot for good: psycopg's pool does not track
  borrowed connections, and once ``max_size`` slots are lost every checkout waits for its timeout.
  Borrowed connections are recorded with their thread; before each checkout, those whose thread
  has ended go back to the pool.
- **fork** (Celery's prefork workers, ``migrate_schemas`` in parallel, gunicorn ``--preload``): a
  pool inherited from the parent has no worker threads and shares the parent's sockets. A child
  never uses or closes it: it builds a pool of its own and drops inherited connections without a
  word to the server (closing them would end the parent's sessions).
"""

import logging
import os
import select
import threading
import time

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.backends.base.base import NO_DB_ALIAS
from django.db.backends.postgresql.psycopg_any import is_psycopg3
from django_tenants.postgresql_backend import base as tenant_base
from django_tenants.postgresql_backend.base import DatabaseWrapper as TenantDatabaseWrapper

logger = logging.getLogger(__name__)


# Set on a psycopg connection when it goes idle in the pool (check-in, or made by the pool).
_IDLE_SINCE = "_openchance_idle_since"


def session_reset(connection) -> None:
    """The pool's ``reset`` callback: a connection goes back into the pool with the default
    ``search_path``. Must leave the connection idle (psycopg discards it otherwise)."""
    if not connection.autocommit:
        connection.autocommit = True  # the pool rolled back an open transaction already
    connection.execute("RESET search_path")
    setattr(connection, _IDLE_SINCE, time.monotonic())


def _has_input(fd: int) -> bool:
    """Whether the socket has something to read (data, end of file or an error), without
    waiting."""
    if hasattr(select, "poll"):
        poller = select.poll()
        poller.register(fd, select.POLLIN | select.POLLPRI)
        return bool(poller.poll(0))
    readable, _, errored = select.select([fd], [], [fd], 0)
    return bool(readable or errored)


def connection_check(connection) -> None:
    """The pool's ``check`` callback on every checkout (see module): raises if the connection is
    broken, so that the pool discards it and lends another. A round trip only for a connection
    whose socket has input — a closed session (end of file), PostgreSQL's termination notice —
    or that was idle longer than ``DATABASE_POOL_CHECK_IDLE_SECONDS``."""
    from psycopg_pool import ConnectionPool

    if not (connection.closed or connection.broken):
        idle_since = getattr(connection, _IDLE_SINCE, None)
        is_recent = (
            idle_since is not None
            and time.monotonic() - idle_since <= settings.DATABASE_POOL_CHECK_IDLE_SECONDS
        )
        if is_recent and not _has_input(connection.pgconn.socket):
            return
    ConnectionPool.check_connection(connection)  # raises for a broken connection


class _Checkouts:
    """Connections borrowed from this process's pool, with the thread that borrowed each."""

    def __init__(self):
        self._lock = threading.Lock()
        self._pid = os.getpid()
        self._borrowed: dict[int, tuple[object, object, threading.Thread]] = {}

    def _same_process(self) -> None:
        if self._pid != os.getpid():  # forked: the parent's loans are not ours to return
            self._pid, self._borrowed = os.getpid(), {}

    def add(self, connection, pool) -> None:
        with self._lock:
            self._same_process()
            self._borrowed[id(connection)] = (connection, pool, threading.current_thread())

    def discard(self, connection) -> None:
        with self._lock:
            self._borrowed.pop(id(connection), None)

    def reclaim(self) -> int:
        """Give back the connections of threads that have ended; returns how many."""
        with self._lock:
            self._same_process()
            orphans = [
                (key, connection, pool)
                for key, (connection, pool, thread) in self._borrowed.items()
                if not thread.is_alive()
            ]
            for key, _connection, _pool in orphans:
                del self._borrowed[key]
        for _key, connection, pool in orphans:
            logger.warning("a thread ended holding a database connection: back to the pool")
            try:
                pool.putconn(connection)
            except Exception:  # noqa: BLE001 - a closed pool or a broken connection: drop it
                logger.exception("could not return an orphaned connection to its pool")
        return len(orphans)

    def __len__(self) -> int:
        return len(self._borrowed)


checkouts = _Checkouts()


class DatabaseWrapper(TenantDatabaseWrapper):
    _pool_pid: int | None = None  # the process whose pool lent self.connection

    @property
    def pool(self):
        """This process's pool for the alias (Django's ``pool``, plus ``reset`` and fork care)."""
        pool_options = self.settings_dict["OPTIONS"].get("pool")
        if self.alias == NO_DB_ALIAS or not pool_options:
            return None
        pools = self._connection_pools
        existing = pools.get(self.alias)
        if existing is not None and getattr(existing, "openchance_pid", None) == os.getpid():
            return existing
        if existing is not None:
            # Inherited over fork (or made by a plain backend): never close it from here.
            pools.pop(self.alias, None)
        if self.settings_dict.get("CONN_MAX_AGE", 0) != 0:
            raise ImproperlyConfigured("Pooling doesn't support persistent connections.")
        if not is_psycopg3:
            raise ImproperlyConfigured("Database pooling requires psycopg >= 3")
        try:
            from psycopg_pool import ConnectionPool
        except ImportError as err:
            raise ImproperlyConfigured(
                "Error loading psycopg_pool module.\nDid you install psycopg[pool]?"
            ) from err
        options = {} if pool_options is True else dict(pool_options)
        connect_kwargs = self.get_connection_params()
        connect_kwargs["autocommit"] = True  # as Django does; the wrapper sets it again later
        pool = ConnectionPool(
            kwargs=connect_kwargs,
            open=False,  # opened by the first checkout, in the process that uses it
            configure=self._pooled_connection_configure,
            check=connection_check if self.settings_dict["CONN_HEALTH_CHECKS"] else None,
            reset=session_reset,
            **options,
        )
        pool.openchance_pid = os.getpid()
        # setdefault: two threads building one at once keep the same (the loser is never opened).
        return pools.setdefault(self.alias, pool)

    def set_tenant(self, tenant, include_public=True):
        """django-tenants' switch, except to the schema already set: then only the tenant object
        changes. An API call sets its schema up to four times, most of them to the one it is in
        (the host's tenant, then the key's, then back), and each full switch re-reads settings
        and clears the content-type cache for a schema that did not change. With
        ``EXTRA_SET_TENANT_METHOD_PATH`` configured every switch runs in full."""
        if (
            tenant.schema_name == self.schema_name
            and include_public == self.include_public_schema
            and tenant_base.EXTRA_SET_TENANT_METHOD is None
        ):
            self.tenant = tenant
            return
        super().set_tenant(tenant, include_public)

    def _pooled_connection_configure(self, connection) -> None:
        """The pool's ``configure`` callback: Django's, and the connection is idle from now."""
        self._configure_connection(connection)
        setattr(connection, _IDLE_SINCE, time.monotonic())

    def get_new_connection(self, conn_params):
        pool = self.pool
        if pool is not None:
            checkouts.reclaim()
        connection = super().get_new_connection(conn_params)
        # A borrowed connection: whatever this wrapper set before applies to another session.
        self.search_path_set_schemas = None
        if pool is not None:
            self._pool_pid = os.getpid()
            checkouts.add(connection, pool)
        return connection

    def _close(self):
        if self.connection is not None and self._pool_pid is not None:
            checkouts.discard(self.connection)
            if self._pool_pid != os.getpid():
                # The parent's connection: forget it without closing the parent's session.
                self.connection = None
                self._pool_pid = None
                return None
            self._pool_pid = None
        return super()._close()
