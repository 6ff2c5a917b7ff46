"""Write tracking for the response cache (``api.response_cache``): every committed write to a
tenant schema moves that schema's data generation (``api.gateway.pipeline.data_generation_bump``).

Installed on every database connection of every process that loads Django (``api.apps``,
``connection_created``) as an execute wrapper, so a write through a view, a service, a Celery
task, a management command, ``QuerySet.update()``, ``bulk_create`` or raw SQL through Django's
connection is seen alike. A statement is a read only when it starts — after whitespace and
opening parentheses, case-insensitively — with one of a small allow-list (``SELECT``, ``SHOW``,
``SET``, ``RESET``, transaction control, ``EXPLAIN`` without ``ANALYZE``) and holds no second
statement; anything else (``WITH`` included, comments first included) counts as a write. The
schema written is the connection's (django-tenants' ``connection.schema_name``); the public
schema is not tracked (no cached route reads it).

When the bump happens:

- inside an atomic block, after the outermost commit (``on_commit``, once per schema per
  transaction: a bump already registered for the schema is not registered again; a savepoint
  rolled back takes its registration with it, and a rolled-back transaction bumps nothing);
- in autocommit, right after the statement (also when it raised: a statement whose reply was
  lost may have committed).

The invariant (why a cached answer is never stale). A reader reads the generation (the
gateway's limit script, ``LimitResult.data_generation``) *before* it queries; a writer bumps
*after* its commit. So an answer cached under generation G was read no earlier than the moment G
was current, and every commit after that moment moves G: a later read sees G+1 and misses. A
request whose own connection holds uncommitted tracked writes (an atomic batch, a test's
transaction) neither reads nor stores cached answers (``schema_write_pending``), since what it
reads is not committed and may never be.

What this cannot see, and the cache's time-to-live (``API_RESPONSE_CACHE_SECONDS``) bounds:
writes not made through Django (psql by hand, another program), a bump lost because Redis was
unreachable when the writer tried (this process then forgets its own cached answers at once),
a write through a schema-qualified table name while the connection is set to the public schema,
a data-modifying function called from a ``SELECT``, and manual transaction management
(``set_autocommit(False)`` or a raw ``BEGIN``), where the bump comes after the statement, before
the commit.
"""

import logging
import re
from dataclasses import dataclass

from django_tenants.utils import get_public_schema_name

from api.gateway.pipeline import data_generation_bump

logger = logging.getLogger(__name__)

_READ_STATEMENT = re.compile(
    r"[\s(]*(?:SELECT|SHOW|SET|RESET|BEGIN|START|COMMIT|END|ROLLBACK|SAVEPOINT|RELEASE|EXPLAIN)\b",
    re.IGNORECASE,
)
_ANALYZE = re.compile(r"\bANALY[SZ]E\b", re.IGNORECASE)


def statement_is_write(sql) -> bool:
    """Whether ``sql`` may change data: True unless it is one read statement (see module).
    Anything not plain text (a composed statement object) counts as a write."""
    if not isinstance(sql, str):
        return True
    match = _READ_STATEMENT.match(sql)
    if match is None:
        return True
    if ";" in sql.rstrip().rstrip(";"):
        return True  # more than one statement (or a literal ;): not worth parsing
    keyword = match.group(0).lstrip(" \t\r\n\f\v(").upper()
    return keyword == "EXPLAIN" and _ANALYZE.search(sql) is not None


@dataclass(frozen=True)
class DataGenerationBump:
    """The on-commit callback moving one schema's data generation; equal by schema, which is how
    a transaction registers one per schema."""

    schema_name: str

    def __call__(self) -> None:
        if data_generation_bump(self.schema_name) is None:
            # Redis is unreachable: other processes' cached answers live until their TTL ends;
            # this process at least forgets its own.
            from api.response_cache import response_cache

            response_cache.clear()


def schema_write_pending(connection, schema_name: str) -> bool:
    """Whether ``connection``'s open transaction wrote to ``schema_name`` (its bump waits for
    the commit)."""
    if not connection.in_atomic_block:
        return False
    return any(
        isinstance(callback, DataGenerationBump) and callback.schema_name == schema_name
        for _savepoints, callback, _robust in connection.run_on_commit
    )


def schema_written(connection, schema_name: str) -> None:
    """Record a write to ``schema_name`` on ``connection``: bump after the commit (see module)."""
    bump = DataGenerationBump(schema_name)
    if not connection.in_atomic_block:
        bump()  # autocommit: committed already (manual transaction management: see module)
    elif not schema_write_pending(connection, schema_name):
        # Robust: a failing bump (it never raises on a Redis error) must not cost the
        # callbacks registered after it.
        connection.on_commit(bump, robust=True)


def tracked_execute(execute, sql, params, many, context):
    """The execute wrapper (Django's ``wrapper(execute, sql, params, many, context)``)."""
    if not statement_is_write(sql):
        return execute(sql, params, many, context)
    connection = context["connection"]
    schema_name = getattr(connection, "schema_name", None)
    try:
        return execute(sql, params, many, context)
    finally:
        if schema_name and schema_name != get_public_schema_name():
            schema_written(connection, schema_name)


def write_tracking_install(*, connection, **kwargs) -> None:
    """``connection_created`` receiver. The signal fires on every (re)connection of the same
    connection object, so the wrapper is added once. It goes first in the list: a test's
    ``connection.execute_wrapper(...)`` block removes the last one when it ends, which must stay
    its own even when the connection was (re)opened inside the block."""
    if tracked_execute not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, tracked_execute)
