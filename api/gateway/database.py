"""PostgreSQL unavailable: which errors mean it, and the 503 ``database_unavailable`` they become.

An operational error of the driver — no connection free in the pool within
``DATABASE_POOL_TIMEOUT``, too many requests already waiting (``DATABASE_POOL_MAX_WAITING``), the
server refusing connections (down, restarting, ``too many clients already``), a connection cut
mid-query, a query cancelled or rolled back by the server — is a condition of the service, not a
fault of the call: the client may retry the same request. Every such error becomes 503 with
``Retry-After: DATABASE_RETRY_AFTER_SECONDS``, never a 500, whether it surfaces in a REST view
(``api.exceptions``) or anywhere else in Django's stack (``api.middleware``). Nothing has to
recover by hand: the pool replaces broken connections and retries connecting in the background.

Programming errors (``ProgrammingError``, ``IntegrityError``, ``DataError``) stay 500s: retrying
them would not help.
"""

import logging
import time

import psycopg
from django.conf import settings
from django.db import InterfaceError, OperationalError

from api.gateway.errors import GatewayError

logger = logging.getLogger(__name__)

UNAVAILABLE_ERRORS = (
    OperationalError,
    InterfaceError,
    psycopg.OperationalError,  # the pool's PoolTimeout and TooManyRequests, unwrapped
    psycopg.InterfaceError,
)
# While PostgreSQL is down every call fails the same way: one log line per this many seconds.
LOG_INTERVAL_SECONDS = 5.0


class DatabaseUnavailableError(GatewayError):
    status = 503
    code = "database_unavailable"
    title = "Database unavailable"

    @classmethod
    def from_database_error(cls, exc: BaseException) -> "DatabaseUnavailableError":
        _log(exc)
        retry_after = settings.DATABASE_RETRY_AFTER_SECONDS
        return cls(
            f"The database is unavailable or overloaded; retry after {retry_after} s (send writes "
            "with an Idempotency-Key so that a retry cannot apply twice).",
            headers={"Retry-After": str(retry_after)},
            retry_after=retry_after,
        )


def database_is_unavailable(exc: BaseException) -> bool:
    """Whether ``exc`` is PostgreSQL being unreachable, saturated or failing (see module)."""
    return isinstance(exc, UNAVAILABLE_ERRORS)


_last_logged = 0.0


def _log(exc: BaseException) -> None:
    global _last_logged
    now = time.monotonic()
    if now - _last_logged >= LOG_INTERVAL_SECONDS:
        _last_logged = now
        cause = exc.__cause__ or exc
        logger.warning(
            "database unavailable, answering 503: %s: %s", cause.__class__.__name__, cause
        )
