"""Writes of metering: folding metered calls from the Redis buffer into PostgreSQL.

``usage_flush`` is exactly-once. Each batch runs in one transaction that (1) takes the stream's
``UsageFlushCursor`` row FOR UPDATE, so flushes never run side by side, (2) reads the records
after the cursor, (3) adds them to the per-minute ledger (``UsageMinute``, an upsert that adds),
(4) writes the request logs into each tenant's schema (unique ``request_id``: a replay inserts
nothing), (5) stores the id of the last record as the new cursor. Killed before the commit,
nothing of the batch happened; killed after it, the cursor already excludes the batch. The
stream is trimmed only behind the committed cursor, so trimming late (or never) is harmless.

One entry never stops the flush. An entry that cannot be folded — malformed (``from_fields``
refuses it), for a tenant that no longer exists, or refused by PostgreSQL (a ``DataError``, an
``IntegrityError``, a tenant schema without the table or column) — is moved to the quarantine
(``UsageQuarantine``: raw fields, error, stream id) in the same transaction that moves the
cursor past it, and the batch's other records are folded: the batch is first folded whole in a
savepoint; if that fails, record by record, each in a savepoint of its own. So every stream entry
ends up exactly once either in the ledger and request logs or in the quarantine.
Connection-level failures (``OperationalError``, ``InterfaceError``: PostgreSQL down, a
deadlock, a timeout) are not the entry's fault: they abort the batch, which is read again next
time. Foreign keys are checked per statement (``SET CONSTRAINTS ALL IMMEDIATE``), so a violation
fails its record's savepoint instead of the commit of the whole batch.

``usage_quarantine_replay`` folds quarantined entries again — after a fix (a migrated schema, a
restored tenant, a deployed bug fix) — with the capture's escaping applied to their text, and
deletes each one that succeeds in the transaction that folds it: exactly once too.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.db import DatabaseError, InterfaceError, OperationalError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django_redis import get_redis_connection
from django_tenants.utils import get_public_schema_name, schema_context

from apikeys.models import ApiKey
from metering.models import UsageFlushCursor, UsageMinute, UsageQuarantine
from metering.records import (
    USAGE_STREAM,
    UsageRecord,
    entry_fields_decode,
    entry_fields_encode,
    text_storable,
)
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

QUARANTINE_ERROR_MAX_CHARS = 2000


@dataclass
class UsageFlushResult:
    records: int = 0  # stream entries read: folded or quarantined
    batches: int = 0
    quarantined: int = 0


@dataclass
class UsageQuarantineReplayResult:
    replayed: int = 0  # folded and removed from the quarantine
    failed: list[int] = field(default_factory=list)  # ids still quarantined


class UnknownTenantError(ValueError):
    """A record for a tenant row that does not exist (deleted since the call, or never)."""


@dataclass
class _Entry:
    stream_id: str
    fields: dict
    record: UsageRecord | None = None


def _is_record_error(exc: Exception) -> bool:
    """Whether ``exc`` is this record's fault (quarantine it) rather than the connection's
    (abort the batch and read it again next time)."""
    if isinstance(exc, OperationalError | InterfaceError):
        return False
    return isinstance(exc, DatabaseError | ValueError | TypeError | OverflowError | KeyError)


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
            r.route,
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


_REQUEST_LOG_COLUMNS = (
    "request_id", "client_request_id", "api_key_id", "method", "route", "path", "status",
    "duration_ms", "request_bytes", "response_bytes", "created_at", "request_excerpt",
    "response_excerpt",
)  # fmt: skip


def _request_logs_write(records: list[UsageRecord], tenants: dict[int, Tenant]) -> set[str]:
    """Insert the request logs of ``records`` into their tenants' schemas; return the request ids
    actually inserted. An id already logged — the same record pushed to the stream twice, e.g.
    when Redis ran a pipeline but its reply was lost and the buffer sent the records again — is
    skipped here, and so (``_records_fold``) never counted twice in the ledger."""
    by_tenant: dict[int, dict[str, UsageRecord]] = defaultdict(dict)
    for r in records:
        by_tenant[r.tenant_id].setdefault(r.request_id, r)
    inserted: set[str] = set()
    table = RequestLog._meta.db_table
    columns = ", ".join(_REQUEST_LOG_COLUMNS)
    row = "(" + ", ".join(["%s"] * len(_REQUEST_LOG_COLUMNS)) + ")"
    for tenant_id, logs in by_tenant.items():
        values = []
        for r in logs.values():
            values.extend(
                (
                    r.request_id, r.client_request_id, r.api_key_id, r.method, r.route, r.path,
                    r.status, r.duration_ms, r.request_bytes, r.response_bytes,
                    datetime.fromtimestamp(r.timestamp_ms / 1000, tz=UTC), r.request_excerpt,
                    r.response_excerpt,
                )
            )  # fmt: skip
        sql = (
            f"INSERT INTO {table} ({columns}) VALUES {', '.join([row] * len(logs))} "  # noqa: S608 - our table and columns; every value is a parameter
            "ON CONFLICT (request_id) DO NOTHING RETURNING request_id"
        )
        with schema_context(tenants[tenant_id].schema_name), connection.cursor() as cursor:
            cursor.execute(sql, values)
            inserted.update(request_id for (request_id,) in cursor.fetchall())
    return inserted


def _keys_last_used(records: list[UsageRecord]) -> None:
    last_used: dict[str, int] = {}
    for r in records:
        last_used[r.api_key_id] = max(last_used.get(r.api_key_id, 0), r.timestamp_ms)
    for key_id, timestamp_ms in last_used.items():
        at = datetime.fromtimestamp(timestamp_ms / 1000, tz=UTC)
        ApiKey.objects.filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lt=at), pk=key_id
        ).update(last_used_at=at)


def _records_fold(records: list[UsageRecord], tenants: dict[int, Tenant]) -> None:
    """Request logs, ledger and ``last_used_at`` of ``records`` (all of known tenants). The
    request id is the unit of exactly-once: a record whose request log exists already adds
    nothing to the ledger (see ``_request_logs_write``)."""
    inserted = _request_logs_write(records, tenants)
    counted: set[str] = set()
    new = []
    for r in records:
        if r.request_id in inserted and r.request_id not in counted:
            counted.add(r.request_id)
            new.append(r)
    if new:
        _ledger_add(new)
    _keys_last_used(records)


def _tenants_of(records: list[UsageRecord]) -> dict[int, Tenant]:
    ids = {r.tenant_id for r in records} | {r.organisation_id for r in records}
    return Tenant.objects.in_bulk(ids)


def _tenant_check(record: UsageRecord, tenants: dict[int, Tenant]) -> None:
    for tenant_id in dict.fromkeys((record.organisation_id, record.tenant_id)):
        if tenant_id not in tenants:
            raise UnknownTenantError(f"tenant {tenant_id} does not exist")


def _error_text(exc: Exception) -> str:
    return text_storable(
        f"{exc.__class__.__name__}: {exc}", max_chars=QUARANTINE_ERROR_MAX_CHARS, is_excerpt=True
    )


def _organisation_ref(fields: dict) -> int | None:
    """The entry's organisation id if it has a readable one (for the operators' filter)."""
    value = fields.get(b"o", fields.get("o"))
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


def _quarantine_add(stream: str, rejected: list[tuple[_Entry, Exception]]) -> None:
    now = timezone.now()
    UsageQuarantine.objects.bulk_create(
        [
            UsageQuarantine(
                stream=stream,
                stream_id=entry.stream_id,
                raw_fields=entry_fields_encode(entry.fields),
                organisation_ref=_organisation_ref(entry.fields),
                error=_error_text(exc),
                first_seen_at=now,
                last_attempt_at=now,
            )
            for entry, exc in rejected
        ],
        ignore_conflicts=True,  # (stream, stream_id) is unique: quarantined once, whatever runs
    )
    for entry, exc in rejected:
        logger.error("usage record %s quarantined: %s", entry.stream_id, _error_text(exc)[:300])


def _batch_fold(stream: str, entries: list[tuple]) -> int:
    """Fold one batch (inside the flush's transaction); returns how many were quarantined."""
    batch = [
        _Entry(stream_id=sid.decode() if isinstance(sid, bytes) else sid, fields=fields)
        for sid, fields in entries
    ]
    rejected: list[tuple[_Entry, Exception]] = []
    for entry in batch:
        try:
            entry.record = UsageRecord.from_fields(entry.fields)
        except Exception as exc:
            if not _is_record_error(exc):
                raise
            rejected.append((entry, exc))
    parsed = [entry for entry in batch if entry.record is not None]
    tenants = _tenants_of([entry.record for entry in parsed])
    foldable = []
    for entry in parsed:
        try:
            _tenant_check(entry.record, tenants)
        except UnknownTenantError as exc:
            rejected.append((entry, exc))
        else:
            foldable.append(entry)
    if foldable:
        try:
            with transaction.atomic():
                _records_fold([entry.record for entry in foldable], tenants)
        except Exception as exc:
            if not _is_record_error(exc):
                raise
            logger.warning(
                "usage batch refused (%s): folding it record by record", _error_text(exc)[:300]
            )
            for entry in foldable:
                try:
                    with transaction.atomic():
                        _records_fold([entry.record], tenants)
                except Exception as record_exc:
                    if not _is_record_error(record_exc):
                        raise
                    rejected.append((entry, record_exc))
    if rejected:
        _quarantine_add(stream, rejected)
    return len(rejected)


def _cursor_locked(stream: str) -> UsageFlushCursor:
    UsageFlushCursor.objects.get_or_create(stream=stream)
    return UsageFlushCursor.objects.select_for_update().get(stream=stream)


def _constraints_immediate() -> None:
    # Django's foreign keys are DEFERRABLE INITIALLY DEFERRED: a violation would surface at
    # COMMIT and fail the whole batch, past every savepoint. Checked per statement, it fails the
    # record that caused it.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


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
            _constraints_immediate()
            quarantined = _batch_fold(stream, entries)
            last_id = entries[-1][0]
            cursor.last_id = last_id.decode() if isinstance(last_id, bytes) else last_id
            cursor.save(update_fields=["last_id", "updated_at"])
        result.records += len(entries)
        result.batches += 1
        result.quarantined += quarantined
        # Behind the committed cursor only: entries older than it are never read again.
        redis.xtrim(stream, minid=cursor.last_id)
    if result.quarantined:
        logger.error("usage flush quarantined %s records", result.quarantined)
    return result


def usage_quarantine_replay(*, ids: list[int] | None = None) -> UsageQuarantineReplayResult:
    """Fold quarantined entries (all, or those of ``ids``) again, oldest first, and delete each
    one that is folded, in the same transaction (exactly once; rows another replay holds are
    skipped). Text is escaped as the capture does (``from_fields(repair=True)``); numbers and
    required fields stay strict. A failure updates the row's error and attempt count."""
    result = UsageQuarantineReplayResult()
    with schema_context(get_public_schema_name()):
        pending = UsageQuarantine.objects.order_by("pk")
        if ids is not None:
            pending = pending.filter(pk__in=ids)
        for quarantine_id in list(pending.values_list("pk", flat=True)):
            with transaction.atomic():
                row = (
                    UsageQuarantine.objects.select_for_update(skip_locked=True)
                    .filter(pk=quarantine_id)
                    .first()
                )
                if row is None:
                    continue
                _constraints_immediate()
                try:
                    with transaction.atomic():
                        record = UsageRecord.from_fields(
                            entry_fields_decode(row.raw_fields), repair=True
                        )
                        tenants = _tenants_of([record])
                        _tenant_check(record, tenants)
                        _records_fold([record], tenants)
                except Exception as exc:
                    if not _is_record_error(exc):
                        raise
                    row.error = _error_text(exc)
                    row.attempts += 1
                    row.last_attempt_at = timezone.now()
                    row.save(update_fields=["error", "attempts", "last_attempt_at"])
                    result.failed.append(row.pk)
                else:
                    row.delete()
                    result.replayed += 1
    return result
