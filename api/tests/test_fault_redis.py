"""Fault: Redis stops and starts again while clients keep calling a real server.

``test_redis_outage.py`` proves the fail-open path one call at a time. Here a few threads keep
reading and writing (``/v1/me``, lists, 404s, creates that emit events, creates with an
``Idempotency-Key``) against a uvicorn on a private redis-server, a flusher runs beside them as
beat would, and Redis is stopped for a few seconds mid-load and started again. What must hold:

- no 5xx, during the outage or after it (writes too: an event's dispatch cannot be enqueued
  while the broker is down, the write still commits and answers), but for the documented one:
  a write with an ``Idempotency-Key`` is refused with 503 ``idempotency_unavailable`` (nothing
  written) while Redis is down, and only then;
- every call a client got an answer for is metered exactly once after recovery (ledger calls
  and request logs, by request id), and nothing is metered twice;
- rate limiting resumes on Redis (a burst is refused by the shared bucket again).

What a restart means for the usage buffer depends on what Redis comes back with:

- **the same data dir** (a restart: redis-server's append-only file, ``appendfsync always``):
  the stream comes back whole, records the server processes held while Redis was away are pushed
  after it, so every answered call is metered exactly once;
- **a fresh data dir** (Redis replaced by an empty one: a lost volume, a failover to a replica
  that had not synced): stream entries not yet flushed when Redis went away are lost with it —
  at most what the processes pushed since the last flush, ``USAGE_FLUSH_INTERVAL`` worth of
  calls. Records still buffered in a process survive, the flush cursor keeps working (entry ids
  come from the new server's clock, after the cursor) and nothing is metered twice. The test
  reads the lost entries back from the old data dir and checks that they are exactly the
  answered calls the ledger misses.
"""

import threading
import time
import uuid
from dataclasses import dataclass, field

import httpx
import pytest
from django.db import connection
from django_tenants.utils import schema_context
from redis.exceptions import RedisError

from api.testing import RedisServer, uvicorn_server
from billing.models import Plan
from core.testing import host_of, wait_for
from metering.models import UsageFlushCursor
from metering.records import USAGE_STREAM, UsageRecord
from metering.selectors import usage_calls_total
from metering.services import usage_flush
from organisations.services import organisation_provision
from requestlog.models import RequestLog
from tenants.services import tenant_delete

pytestmark = pytest.mark.slow

LOAD_THREADS = 3
# The plan's limits: the load stays below them (its calls succeed), a burst goes above them.
RATE_PER_SECOND, BURST = 10, 20
LOAD_PAUSE_SECONDS = 0.4  # per thread: under 3 × 2.5 calls/s, below the rate
OUTAGE_SECONDS = 3.0
IDEMPOTENT_CREATE = "POST /v1/challenges with an Idempotency-Key"


@dataclass
class Answer:
    key: str  # "live" or "test"
    call: str  # method and path
    status: int
    request_id: str
    at: float
    is_degraded: bool | None = None  # /v1/me only


@dataclass
class Calls:
    """Every call and its outcome, from every thread."""

    answers: list[Answer] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # no answer: a transport error
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answered_ids(self) -> set[str]:
        with self.lock:
            return {answer.request_id for answer in self.answers}


class Client:
    def __init__(self, base_url: str, host: str, keys: dict[str, str], calls: Calls):
        self.base_url, self.host, self.keys, self.calls = base_url, host, keys, calls

    def call(self, http: httpx.Client, method: str, path: str, *, key="live", label=None, **kwargs):
        headers = {"Host": self.host, "Authorization": f"Bearer {self.keys[key]}"}
        headers.update(kwargs.pop("headers", {}))
        try:
            response = http.request(
                method, f"{self.base_url}{path}", headers=headers, timeout=20, **kwargs
            )
        except httpx.TransportError as exc:
            with self.calls.lock:
                self.calls.failures.append(f"{method} {path}: {exc!r}")
            return None
        answer = Answer(
            key,
            label or f"{method} {path}",
            response.status_code,
            response.headers["X-Request-Id"],
            time.time(),
        )
        if path == "/v1/me" and response.status_code == 200:
            answer.is_degraded = response.json()["limits"]["is_degraded"]
        with self.calls.lock:
            self.calls.answers.append(answer)
        return response


def _load(client: Client, stop: threading.Event, index: int) -> None:
    """Reads and writes in turn, as a client integration would make them."""
    with httpx.Client() as http:
        turn = 0
        while not stop.is_set():
            kind = (turn + index) % 5
            if kind == 0:
                client.call(http, "GET", "/v1/me")
            elif kind == 1:
                client.call(http, "GET", "/v1/challenges", params={"limit": 5})
            elif kind == 2:
                client.call(http, "POST", "/v1/challenges", json={"title": f"Load {turn}"})
            elif kind == 3:
                client.call(http, "GET", f"/v1/challenges/chl_missing{turn}")  # a 404
            else:
                client.call(
                    http,
                    "POST",
                    "/v1/challenges",
                    json={"title": f"Idempotent {turn}"},
                    headers={"Idempotency-Key": uuid.uuid4().hex},
                    label=IDEMPOTENT_CREATE,
                )
            turn += 1
            time.sleep(LOAD_PAUSE_SECONDS)


class Flusher(threading.Thread):
    """``usage_flush`` every half second, as beat's schedule would run it; failures while Redis is
    down are counted, not raised (the task would fail and run again next time)."""

    def __init__(self, redis):
        super().__init__(daemon=True)
        self.redis = redis
        self.stop = threading.Event()
        self.failed = 0

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                try:
                    usage_flush(redis=self.redis)
                except RedisError:
                    self.failed += 1
                self.stop.wait(0.5)
        finally:
            connection.close()


@pytest.fixture
def limited_tenant(_session_tenants, django_db_blocker):
    """A committed tenant on a private plan of RATE_PER_SECOND calls/s, burst BURST."""
    with django_db_blocker.unblock():
        plan = Plan.objects.create(
            code=f"fault-{uuid.uuid4().hex[:8]}",
            name="Fault",
            rate_per_second=RATE_PER_SECOND,
            burst=BURST,
            is_public=False,
        )
        slug = f"fault-{uuid.uuid4().hex[:8]}"
        provisioned = organisation_provision(
            slug=slug, name="Fault", plan_code=plan.code, owner_email=f"{slug}@fault.test"
        )
        cursor = UsageFlushCursor.objects.filter(stream=USAGE_STREAM).first()
    yield provisioned
    with django_db_blocker.unblock():
        tenant_delete(tenant=provisioned.tenant)
        plan.delete()
        # The private Redis's stream ids mean nothing to the next test's Redis: put it back.
        if cursor is None:
            UsageFlushCursor.objects.filter(stream=USAGE_STREAM).delete()
        else:
            cursor.save()


def _ledger_calls(provisioned) -> int:
    return usage_calls_total(organisation_id=provisioned.tenant.pk)


def _logged_request_ids(provisioned) -> list[str]:
    request_ids = []
    for twin in (provisioned.tenant, provisioned.sandbox):
        with schema_context(twin.schema_name):
            request_ids += RequestLog.objects.values_list("request_id", flat=True)
    return request_ids


def _burst_refused(client: Client) -> tuple[int, int, float]:
    """3 × 2 × BURST calls with the test key from 3 threads, faster than the rate refills the
    bucket (unless the server answers fewer than RATE_PER_SECOND calls/s): (allowed, refused,
    seconds)."""
    statuses: list[int] = []

    def burst():
        with httpx.Client() as http:
            for _ in range(2 * BURST):
                response = client.call(http, "GET", "/v1/challenges", key="test")
                statuses.append(response.status_code if response is not None else 0)

    threads = [threading.Thread(target=burst) for _ in range(3)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses.count(200), statuses.count(429), time.monotonic() - started


def _unflushed_entries(directory, after_id: str) -> list[UsageRecord]:
    """What the old data dir still holds behind the cursor: the entries a fresh Redis lost."""
    old = RedisServer(directory)
    old.start()
    try:
        entries = old.client().xrange(USAGE_STREAM, min=f"({after_id}")
        return [UsageRecord.from_fields(fields) for _entry_id, fields in entries]
    finally:
        old.stop()


def _ledger_settled(provisioned, redis, expected: int, *, timeout: float = 20) -> int:
    """Flush until the ledger holds ``expected`` calls (the server pushes what it buffers within
    ``USAGE_PUSH_INTERVAL``), then once more: a second flush must add nothing."""
    deadline = time.monotonic() + timeout
    while _ledger_calls(provisioned) < expected and time.monotonic() < deadline:
        usage_flush(redis=redis)
        time.sleep(0.2)
    usage_flush(redis=redis)
    return _ledger_calls(provisioned)


@pytest.mark.parametrize("restart", ["same_data_dir", "fresh_data_dir"])
def test_redis_restart_mid_load_meters_every_answered_call_once(
    restart, limited_tenant, django_db_blocker, tmp_path
):
    # given a server on a private Redis, clients calling it and a flusher running beside them
    data_dir = tmp_path / "redis"
    data_dir.mkdir()
    redis_server = RedisServer(data_dir)
    redis_server.start()
    redis = redis_server.client()
    env = {
        "REDIS_URL": redis_server.url,
        "CELERY_BROKER_URL": redis_server.url,
        "GATEWAY_REDIS_RETRY_SECONDS": "0.2",
    }
    keys = {"live": limited_tenant.live_key, "test": limited_tenant.test_key}
    calls = Calls()
    stop = threading.Event()
    flusher = Flusher(redis)
    try:
        with (
            django_db_blocker.unblock(),
            uvicorn_server(log_dir=tmp_path, **env) as base_url,
        ):
            client = Client(base_url, host_of(limited_tenant.tenant), keys, calls)
            threads = [
                threading.Thread(target=_load, args=(client, stop, index), daemon=True)
                for index in range(LOAD_THREADS)
            ]
            for thread in threads:
                thread.start()
            flusher.start()
            time.sleep(2)

            # when Redis goes away mid-load for a few seconds
            redis_server.stop()
            stopped_at = time.time()
            failed_before = flusher.failed
            # The flush that was running when Redis went away has committed or failed by the
            # time the flusher reports its next failure: the cursor no longer moves after that.
            wait_for(lambda: flusher.failed > failed_before, timeout=10)
            cursor_at_stop = UsageFlushCursor.objects.get(stream=USAGE_STREAM).last_id
            time.sleep(max(0.0, OUTAGE_SECONDS - (time.time() - stopped_at)))
            if restart == "fresh_data_dir":
                redis_server.directory = tmp_path / "redis-fresh"
                redis_server.directory.mkdir()
            redis_server.start()
            restarted_at = time.time()

            # and comes back
            with httpx.Client() as http:
                wait_for(
                    lambda: (
                        client.call(http, "GET", "/v1/me").json()["limits"]["is_degraded"] is False
                    ),
                    timeout=10,
                    message="the gateway did not go back to Redis",
                )
            time.sleep(2)
            stop.set()
            for thread in threads:
                thread.join(timeout=30)
            flusher.stop.set()
            flusher.join(timeout=10)

            # then rate limiting is Redis's again: a burst is refused by the shared bucket
            allowed, refused, seconds = _burst_refused(client)
            is_bucket_in_redis = bool(redis.exists(f"oc:rl:{limited_tenant.tenant.pk}:test"))

            # and once the server has pushed what it buffered, the ledger holds every answered
            # call but those a fresh Redis lost (still in the old data dir, behind the cursor).
            # The server is still running: what a process buffers when it is stopped is not
            # this test's subject.
            lost_ids = set()
            if restart == "fresh_data_dir":
                lost_ids = {r.request_id for r in _unflushed_entries(data_dir, cursor_at_stop)}
            answered = calls.answered_ids()
            expected = len(calls.answers) - len(lost_ids)
            ledger_calls = _ledger_settled(limited_tenant, redis, expected)
            logged = _logged_request_ids(limited_tenant)
    finally:
        stop.set()
        flusher.stop.set()
        flusher.join(timeout=10)
        redis_server.stop()

    during = [a for a in calls.answers if stopped_at <= a.at <= restarted_at]
    # Idempotency keys need Redis: without it such a write is refused (503, nothing written),
    # and only then — a call answered just after the restart may have been refused just before.
    refused_idempotent = [
        a for a in calls.answers if a.call == IDEMPOTENT_CREATE and a.status == 503
    ]
    statuses = sorted({a.status for a in calls.answers if a not in refused_idempotent})
    assert not calls.failures, calls.failures[:5]
    assert all(status < 500 for status in statuses), [
        (a.call, a.status, a.at - stopped_at) for a in calls.answers if a.status >= 500
    ][:10]
    assert set(statuses) <= {200, 201, 404, 429}, statuses
    assert all(stopped_at <= a.at <= restarted_at + 1 for a in refused_idempotent)
    assert refused_idempotent, "no write with an Idempotency-Key met the outage"
    assert len(during) >= 10, "the clients barely called while Redis was down"
    assert any(a.is_degraded for a in during), "the server never noticed that Redis was down"
    assert 201 in {a.status for a in during}, "no write answered while Redis was down"

    # every answered call is metered once: the ledger counts them, the request logs name them
    assert len(answered) == len(calls.answers)  # request ids are unique per call
    assert lost_ids <= answered
    unmetered = answered - lost_ids - set(logged)
    assert not unmetered, [
        (a.call, a.status, round(a.at - stopped_at, 3), round(a.at - restarted_at, 3))
        for a in calls.answers
        if a.request_id in unmetered
    ]
    assert ledger_calls == expected
    assert len(logged) == len(set(logged)) == expected
    assert set(logged) == answered - lost_ids
    if restart == "same_data_dir":
        assert not lost_ids

    # and the limiter is Redis's shared bucket again
    assert is_bucket_in_redis
    assert refused > 0, (allowed, refused, seconds)
    assert allowed <= BURST + RATE_PER_SECOND * seconds + 1, (allowed, refused, seconds)


def test_idempotent_writes_while_redis_is_down_never_answer_500(
    limited_tenant, django_db_blocker, tmp_path
):
    """Idempotency records live in Redis. Without them the server cannot promise that a retry
    does not apply the change twice, so it refuses (503 idempotency_unavailable with Retry-After,
    nothing written), never a 500. After Redis is back, keys work again."""
    # given a server on a private Redis that is down
    redis_server = RedisServer(tmp_path)
    redis_server.start()
    env = {"REDIS_URL": redis_server.url, "CELERY_BROKER_URL": redis_server.url}
    headers = {
        "Host": host_of(limited_tenant.tenant),
        "Authorization": f"Bearer {limited_tenant.live_key}",
    }
    try:
        with django_db_blocker.unblock(), uvicorn_server(log_dir=tmp_path, **env) as base_url:

            def create(idempotency_key: str) -> httpx.Response:
                return httpx.post(
                    f"{base_url}/v1/challenges",
                    json={"title": "Idempotent"},
                    headers={**headers, "Idempotency-Key": idempotency_key},
                    timeout=20,
                )

            redis_server.stop()

            # when clients write with idempotency keys
            during = [create(uuid.uuid4().hex) for _ in range(3)]

            # then each write is refused cleanly before anything is written, never a 500
            for response in during:
                assert response.status_code == 503, response.text
                assert response.headers["Content-Type"].startswith("application/problem+json")
                assert response.json()["code"] == "idempotency_unavailable"
                assert "Retry-After" in response.headers

            # and once Redis is back, a retry with the same key is a replay again
            redis_server.start()
            idempotency_key = uuid.uuid4().hex
            first = wait_for(lambda: (r := create(idempotency_key)).status_code == 201 and r)
            replay = create(idempotency_key)
            assert replay.status_code == 201
            assert replay.headers.get("Idempotent-Replayed") == "true"
            assert replay.json()["id"] == first.json()["id"]
    finally:
        redis_server.stop()
