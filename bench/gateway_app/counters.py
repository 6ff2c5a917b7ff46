"""Per-process counters for the benchmark: HTTP requests, SQL queries, Redis round trips."""

import threading

from django.db import connection

COUNTS = {"requests": 0, "sql": 0, "requests_with_sql": 0, "redis": 0, "sql_in_tenant_schemas": 0}
_lock = threading.Lock()


def _add(name: str, amount: int = 1) -> None:
    with _lock:
        COUNTS[name] += amount


def counts_reset() -> None:
    with _lock:
        for name in COUNTS:
            COUNTS[name] = 0


def redis_round_trips_count() -> None:
    """Count every send to Redis: one per command, one per pipeline (the gateway's pusher thread
    included, so buffered usage records are paid for in the figures)."""
    from redis.connection import AbstractConnection

    original = AbstractConnection.send_packed_command

    def send_packed_command(self, command, check_health=True):
        _add("redis")
        return original(self, command, check_health)

    AbstractConnection.send_packed_command = send_packed_command


class SqlCountingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/bench/stats"):
            return self.get_response(request)

        queries = in_tenant_schemas = 0

        def count(execute, sql, params, many, context):
            nonlocal queries, in_tenant_schemas
            queries += 1
            if connection.schema_name != "public":
                in_tenant_schemas += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            response = self.get_response(request)
        _add("requests")
        _add("sql", queries)
        _add("sql_in_tenant_schemas", in_tenant_schemas)
        _add("requests_with_sql", 1 if queries else 0)
        return response
