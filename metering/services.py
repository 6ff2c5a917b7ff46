"""Writes of metering: folding metered calls from the Redis buffer into PostgreSQL.

``usage_flush`` is exactly-once. Each batch runs in one transaction that (1) takes the stream's
``UsageFlushCursor`` row FOR UPDATE, so flushes never run side by side, (2) reads the records
after the cursor, (3) adds them to the per-minute ledger (``UsageMinute``, an upsert that adds),
(4) writes the request logs into each tenant's schema (unique ``request_id``: a replay inserts
nothing), (5) stores the id of the last record as the new cursor. Killed before the commit,
nothing of the batch happened; killed after it, the cursor already excludes the batch. The
stream is trimmed only behind the committed cursor, so trimming late (or never) is harmless.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import connection, transaction
from django.db.models import Q
from django_redis import get_redis_connection
from django_tenants.utils import get_public_schema_name, schema_context

from apikeys.models import ApiKey
from metering.models import UsageFlushCursor, UsageMinute
from metering.records import USAGE_STREAM, UsageRecord
from requestlog.models import RequestLog
from tenants.models import Tenant

logger = logging.getLogger(__name__)

_UPSERT_SQL = f"""
INSERT INTO {UsageMinute._meta.db_table} AS u
    (tenant_id, api_key_id, mode, minute, method, route, status, is_billable, calls,
     duration_ms_total, duration_ms_max, request_bytes, response_bytes)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
ON CONFLICT (tenant_id, api_key_id, mode, minute, method, route, status, is_billable)
DO UPDATE SET
    calls = u.calls + EXCLUDED.calls,
    duration_ms_total = u.duration_ms_total + EXCLUDED.duration_ms_total,
    duration_ms_max = GREATEST(u.duration_ms_max, EXCLUDED.duration_ms_max),
    request_bytes = u.request_bytes + EXCLUDED.request_bytes,
    response_bytes = u.response_bytes + EXCLUDED.response_bytes
"""  # noqa: S608 - the table name is ours; every value is a parameter


@dataclass
class UsageFlushResult:
    records: int = 0
    batches: int = 0
    skipped: int = 0  # records of tenants that no longer exist


def _minute_of(timestamp_ms: int) -> datetime:
    return datetime.fromtimestamp(timestamp_ms // 60_000 * 60, tz=UTC)


def _ledger_add(records: list[UsageRecord]) -> None:
    rows: dict[tuple, list] = {}
    for r in records:
        key = (
            r.organisation_id,
            r.api_key_id,
            r.mode,
            _minute_of(r.timestamp_ms),
            r.method,
            r.route[:200],
            r.status,
            r.is_billable,
        )
        row = rows.setdefault(key, [0, 0.0, 0.0, 0, 0])
        row[0] += 1
        row[1] += r.duration_ms
        row[2] = max(row[2], r.duration_ms)
        row[3] += r.request_bytes
        row[4] += r.response_bytes
    with connection.cursor() as cursor:
        cursor.executemany(_UPSERT_SQL, [(*key, *values) for key, values in rows.items()])


def _request_logs_write(records: list[UsageRecord], tenants: dict[int, Tenant]) -> None:
    by_tenant: dict[int, list[RequestLog]] = defaultdict(list)
    for r in records:
        by_tenant[r.tenant_id].append(
            RequestLog(
                request_id=r.request_id[:128],
                api_key_id=r.api_key_id,
                method=r.method,
                route=r.route[:200],
                path=r.path[:500],
                status=r.status,
                duration_ms=r.duration_ms,
                request_bytes=r.request_bytes,
                response_bytes=r.response_bytes,
                created_at=datetime.fromtimestamp(r.timestamp_ms / 1000, tz=UTC),
                request_excerpt=r.request_excerpt,
                response_excerpt=r.response_excerpt,
            )
        )
    for tenant_id, logs in by_tenant.items():
        with schema_context(tenants[tenant_id].schema_name):
            RequestLog.objects.bulk_create(logs, ignore_conflicts=True)


def _keys_last_used(records: list[UsageRecord]) -> None:
    last_used: dict[str, int] = {}
    for r in records:
        last_used[r.api_key_id] = max(last_used.get(r.api_key_id, 0), r.timestamp_ms)
    for key_id, timestamp_ms in last_used.items():
        at = datetime.fromtimestamp(timestamp_ms / 1000, tz=UTC)
        ApiKey.objects.filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lt=at), pk=key_id
        ).update(last_used_at=at)


def _cursor_locked(stream: str) -> UsageFlushCursor:
    UsageFlushCursor.objects.get_or_create(stream=stream)
    return UsageFlushCursor.objects.select_for_update().get(stream=stream)


def usage_flush(
    *, redis=None, batch_size: int = 1000, stream: str = USAGE_STREAM
) -> UsageFlushResult:
    """Fold every buffered usage record into PostgreSQL, exactly once (see module docstring).

    ``redis`` defaults to the default cache's connection. Safe to run concurrently (flushes
    queue on the cursor row) and to kill at any point.
    """
    redis = redis or get_redis_connection("default")
    result = UsageFlushResult()
    while True:
        with schema_context(get_public_schema_name()), transaction.atomic():
            cursor = _cursor_locked(stream)
            entries = redis.xrange(stream, min=f"({cursor.last_id}", count=batch_size)
            if not entries:
                break
            records = [UsageRecord.from_fields(fields) for _entry_id, fields in entries]
            tenant_ids = {r.tenant_id for r in records} | {r.organisation_id for r in records}
            tenants = Tenant.objects.in_bulk(tenant_ids)
            known = [r for r in records if r.tenant_id in tenants and r.organisation_id in tenants]
            result.skipped += len(records) - len(known)
            if known:
                _ledger_add(known)
                _request_logs_write(known, tenants)
                _keys_last_used(known)
            last_id = entries[-1][0]
            cursor.last_id = last_id.decode() if isinstance(last_id, bytes) else last_id
            cursor.save(update_fields=["last_id", "updated_at"])
        result.records += len(records)
        result.batches += 1
        # Behind the committed cursor only: entries older than it are never read again.
        redis.xtrim(stream, minid=cursor.last_id)
    if result.skipped:
        logger.warning("usage flush skipped %s records of deleted tenants", result.skipped)
    return result
