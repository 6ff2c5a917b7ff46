"""The usage flush killed midway (SIGKILL, mid-batch) and run again: PostgreSQL's counts still
equal the calls served, and no request log is duplicated.

Real processes throughout: a uvicorn server and the flush (``manage.py usage_flush``) on a
redis-server of the test's own; a second PostgreSQL session holds a conflicting request-log row
so the flush is deterministically stuck in its third batch when it is killed.
"""

import signal
import subprocess
import sys

import httpx
import psycopg
import pytest
from django.db.models import Sum
from django_tenants.utils import tenant_context

from api.testing import BASE_DIR, RedisServer, uvicorn_server
from apikeys.services import api_key_create
from core.testing import database_url, host_of, subprocess_env, wait_for
from metering.models import UsageFlushCursor, UsageMinute
from metering.records import USAGE_STREAM, UsageRecord
from requestlog.models import RequestLog

pytestmark = pytest.mark.slow

CALLS, BATCH = 30, 10


def _flush_process(redis_url: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "usage_flush", "--batch-size", str(BATCH)],
        cwd=BASE_DIR,
        env=subprocess_env(REDIS_URL=redis_url),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


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


def test_flush_killed_midway_and_rerun_counts_every_call_exactly_once(
    _session_tenants, django_db_blocker, tmp_path
):
    # given 30 calls served and buffered in Redis
    alpha = _session_tenants[0]
    redis_server = RedisServer(tmp_path)
    redis_server.start()
    with django_db_blocker.unblock():
        issued = api_key_create(tenant=alpha, name="flush kill")
        cursor_before = UsageFlushCursor.objects.filter(stream=USAGE_STREAM).first()
    key_id = issued.api_key.pk
    headers = {"Host": host_of(alpha), "Authorization": f"Bearer {issued.secret}"}
    redis = redis_server.client()
    blocker = psycopg.connect(database_url().replace("postgres://", "postgresql://"))
    try:
        with uvicorn_server(log_dir=tmp_path, REDIS_URL=redis_server.url) as base_url:
            for _ in range(CALLS):
                assert httpx.get(f"{base_url}/v1/me", headers=headers).status_code == 200
            wait_for(lambda: redis.xlen(USAGE_STREAM) >= CALLS, timeout=10)
        records = [UsageRecord.from_fields(f) for _id, f in redis.xrange(USAGE_STREAM)]
        assert len(records) == CALLS

        # ... and another session holding the request-log row of the 25th call (third batch)
        with blocker.cursor() as cursor:
            cursor.execute(f'SET search_path TO "{alpha.schema_name}"')
            cursor.execute(
                "INSERT INTO requestlog_requestlog (request_id, api_key_id, method, route, path,"
                " status, duration_ms, request_bytes, response_bytes, created_at,"
                " request_excerpt, response_excerpt)"
                " VALUES (%s, %s, 'GET', '/x', '/x', 200, 0, 0, 0, now(), '', '')",
                [records[24].request_id, key_id],
            )

        # when the flush is killed while stuck in the middle of its third batch
        flush = _flush_process(redis_server.url)
        monitor = psycopg.connect(database_url().replace("postgres://", "postgresql://"))
        monitor.autocommit = True
        wait_for(lambda: _blocked_on_a_lock(monitor), timeout=30, message="flush never blocked")
        with django_db_blocker.unblock():
            assert _ledger_calls(key_id) == 2 * BATCH  # two batches committed, one in flight
        flush.send_signal(signal.SIGKILL)
        flush.wait(timeout=10)
        monitor.close()
        blocker.rollback()

        # ... and run again, twice
        for _ in range(2):
            rerun = _flush_process(redis_server.url)
            output, _ = rerun.communicate(timeout=60)
            assert rerun.returncode == 0, output.decode()

        # then
        with django_db_blocker.unblock():
            assert _ledger_calls(key_id) == CALLS
            with tenant_context(alpha):
                logs = RequestLog.objects.filter(api_key_id=key_id)
                assert logs.count() == CALLS
                assert set(logs.values_list("request_id", flat=True)) == {
                    r.request_id for r in records
                }
    finally:
        blocker.close()
        redis_server.stop()
        with django_db_blocker.unblock():
            UsageMinute.objects.filter(api_key_id=key_id).delete()
            with tenant_context(alpha):
                RequestLog.objects.filter(api_key_id=key_id).delete()
            issued.api_key.delete()
            if cursor_before is not None:
                cursor_before.save()
