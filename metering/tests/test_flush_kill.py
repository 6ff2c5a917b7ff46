"""The usage flush killed midway (SIGKILL, mid-batch) and run again, with poisoned entries in the
killed batch: PostgreSQL's counts still equal the calls served, no request log is duplicated, and
each poisoned entry is quarantined exactly once — then folded exactly once by the replay after
its cause is fixed.

Real processes throughout: a uvicorn server and the flush (``manage.py usage_flush``) on a
redis-server of the test's own; a second PostgreSQL session holds a conflicting request-log row
so the flush is deterministically stuck in its third batch when it is killed. The third batch
also holds two poisoned entries: a NUL in the path (refused by the strict reader) and a record of
a tenant whose request-log table lacks a column (refused by PostgreSQL, which sends the batch
down the record-by-record path).
"""

import signal
import subprocess
import sys
import time
import uuid

import httpx
import psycopg
import pytest
from django.db import connection
from django.db.models import Sum
from django_tenants.utils import tenant_context

from api.testing import BASE_DIR, RedisServer, uvicorn_server
from apikeys.services import api_key_create
from core.testing import database_url, host_of, subprocess_env, wait_for
from metering.models import UsageFlushCursor, UsageMinute, UsageQuarantine
from metering.records import USAGE_STREAM, UsageRecord
from organisations.services import organisation_provision
from requestlog.models import RequestLog
from tenants.services import tenant_delete

pytestmark = pytest.mark.slow

BATCH = 10
# 28 served calls and 2 poisoned entries: batches 1–2 are calls 1–20, batch 3 holds calls 21–28
# with the poisoned entries among them (after call 22 and after call 24).
CALLS = 28


def _manage(redis_url: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=subprocess_env(REDIS_URL=redis_url),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def _flush_process(redis_url: str) -> subprocess.Popen:
    return _manage(redis_url, "usage_flush", "--batch-size", str(BATCH))


def _ledger_calls(key_id: str) -> int:
    rows = UsageMinute.objects.filter(api_key_id=key_id)
    return rows.aggregate(calls=Sum("calls"))["calls"] or 0


def _blocked_on_a_lock(db) -> bool:
    with db.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


def _poison(tenant, key_id: str, **overrides) -> dict[str, str]:
    record = UsageRecord(
        organisation_id=tenant.pk, tenant_id=tenant.pk, api_key_id=key_id, mode="live",
        method="GET", route="/v1/me", path="/v1/me", status=200, duration_ms=1.0,
        request_bytes=0, response_bytes=10, timestamp_ms=int(time.time() * 1000),
        request_id=f"req_{uuid.uuid4().hex}", is_billable=True,
    )  # fmt: skip
    return record.to_fields() | overrides


def _request_log_column(tenant, *, present: bool) -> None:
    table = f'"{tenant.schema_name}".requestlog_requestlog'
    with connection.cursor() as cursor:
        if present:
            cursor.execute(
                f"ALTER TABLE {table} ADD COLUMN client_request_id varchar(128) NOT NULL DEFAULT ''"
            )
        else:
            cursor.execute(f"ALTER TABLE {table} DROP COLUMN client_request_id")


def test_flush_killed_midway_with_poisoned_entries_and_rerun_counts_every_call_exactly_once(
    _session_tenants, django_db_blocker, tmp_path
):
    # given 28 calls served and buffered in Redis, with two poisoned entries among the last ones
    alpha = _session_tenants[0]
    redis_server = RedisServer(tmp_path)
    redis_server.start()
    with django_db_blocker.unblock():
        issued = api_key_create(tenant=alpha, name="flush kill")
        cursor_before = UsageFlushCursor.objects.filter(stream=USAGE_STREAM).first()
        # a tenant whose schema the request-log migration has not reached
        behind = organisation_provision(
            slug=f"kill{uuid.uuid4().hex[:6]}", name="Behind", plan_code="pro",
            owner_email="owner@behind.test", issue_keys=False,
        ).tenant  # fmt: skip
        _request_log_column(behind, present=False)
    key_id = issued.api_key.pk
    nul_key_id, behind_key_id = f"key_{uuid.uuid4().hex[:12]}", f"key_{uuid.uuid4().hex[:12]}"
    headers = {"Host": host_of(alpha), "Authorization": f"Bearer {issued.secret}"}
    redis = redis_server.client()
    poisoned_ids: list[str] = []
    blocker = psycopg.connect(database_url().replace("postgres://", "postgresql://"))
    try:
        with uvicorn_server(log_dir=tmp_path, REDIS_URL=redis_server.url) as base_url:

            def serve(calls: int, total: int) -> None:
                for _ in range(calls):
                    assert httpx.get(f"{base_url}/v1/me", headers=headers).status_code == 200
                wait_for(lambda: redis.xlen(USAGE_STREAM) >= total, timeout=10)

            serve(22, 22)
            nul = _poison(alpha, nul_key_id, p="/v1/challenges/\x00")
            poisoned_ids.append(redis.xadd(USAGE_STREAM, nul).decode())
            serve(2, 25)
            poisoned_ids.append(redis.xadd(USAGE_STREAM, _poison(behind, behind_key_id)).decode())
            serve(4, 30)
        entries = redis.xrange(USAGE_STREAM)
        assert len(entries) == CALLS + 2
        assert [i for i, (sid, _f) in enumerate(entries) if sid.decode() in poisoned_ids] == [
            22,
            25,
        ]
        served = [
            UsageRecord.from_fields(fields)
            for sid, fields in entries
            if sid.decode() not in poisoned_ids
        ]
        assert len(served) == CALLS and {r.api_key_id for r in served} == {key_id}

        # ... and another session holding the request-log row of the 24th call (third batch)
        with blocker.cursor() as cursor:
            cursor.execute(f'SET search_path TO "{alpha.schema_name}"')
            cursor.execute(
                "INSERT INTO requestlog_requestlog (request_id, api_key_id, method, route, path,"
                " status, duration_ms, request_bytes, response_bytes, created_at,"
                " request_excerpt, response_excerpt)"
                " VALUES (%s, %s, 'GET', '/x', '/x', 200, 0, 0, 0, now(), '', '')",
                [served[23].request_id, key_id],
            )

        # when the flush is killed while stuck in the middle of its third batch
        flush = _flush_process(redis_server.url)
        monitor = psycopg.connect(database_url().replace("postgres://", "postgresql://"))
        monitor.autocommit = True
        wait_for(lambda: _blocked_on_a_lock(monitor), timeout=30, message="flush never blocked")
        with django_db_blocker.unblock():
            assert _ledger_calls(key_id) == 2 * BATCH  # two batches committed, one in flight
            assert not UsageQuarantine.objects.filter(stream_id__in=poisoned_ids).exists()
        flush.send_signal(signal.SIGKILL)
        flush.wait(timeout=10)
        monitor.close()
        blocker.rollback()

        # ... and run again, twice
        outputs = []
        for _ in range(2):
            rerun = _flush_process(redis_server.url)
            output, _ = rerun.communicate(timeout=60)
            assert rerun.returncode == 0, output.decode()
            outputs.append(output.decode())
        # the refused record sent the batch down the record-by-record path
        assert "record by record" in outputs[0] and "(2 quarantined)" in outputs[0]
        assert "flushed 0 records" in outputs[1]

        # then served == metered, exactly once; each poisoned entry quarantined exactly once
        with django_db_blocker.unblock():
            assert _ledger_calls(key_id) == CALLS
            with tenant_context(alpha):
                logs = RequestLog.objects.filter(api_key_id=key_id)
                assert logs.count() == CALLS
                assert set(logs.values_list("request_id", flat=True)) == {
                    r.request_id for r in served
                }
            quarantined = UsageQuarantine.objects.filter(
                stream=USAGE_STREAM, stream_id__in=poisoned_ids
            )
            assert sorted(quarantined.values_list("stream_id", flat=True)) == poisoned_ids
            assert _ledger_calls(nul_key_id) == _ledger_calls(behind_key_id) == 0
            assert UsageFlushCursor.objects.get(stream=USAGE_STREAM).last_id == (
                entries[-1][0].decode()
            )

            # when the lagging schema is migrated and the quarantine replayed (twice)
            _request_log_column(behind, present=True)
        for _ in range(2):
            replay = _manage(redis_server.url, "usage_quarantine_replay")
            output, _ = replay.communicate(timeout=60)
            assert replay.returncode == 0, output.decode()

        # then each poisoned entry is folded exactly once, and has left the quarantine
        with django_db_blocker.unblock():
            assert _ledger_calls(nul_key_id) == _ledger_calls(behind_key_id) == 1
            with tenant_context(alpha):
                assert RequestLog.objects.get(api_key_id=nul_key_id).path == ("/v1/challenges/%00")
            with tenant_context(behind):
                assert RequestLog.objects.filter(api_key_id=behind_key_id).count() == 1
            assert not UsageQuarantine.objects.filter(stream_id__in=poisoned_ids).exists()
            assert _ledger_calls(key_id) == CALLS
    finally:
        blocker.close()
        redis_server.stop()
        with django_db_blocker.unblock():
            UsageMinute.objects.filter(api_key_id__in=[key_id, nul_key_id]).delete()
            UsageQuarantine.objects.filter(stream_id__in=poisoned_ids).delete()
            with tenant_context(alpha):
                RequestLog.objects.filter(api_key_id__in=[key_id, nul_key_id]).delete()
            issued.api_key.delete()
            tenant_delete(tenant=behind)
            if cursor_before is not None:
                cursor_before.save()
            else:
                UsageFlushCursor.objects.filter(stream=USAGE_STREAM).delete()
