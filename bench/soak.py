"""Soak: mixed traffic from several tenants against the platform as `make run` serves it, bounded
in time (SOAK_SECONDS, default 600), ending in one verdict: served == metered.

What runs (every process a real one, on this checkout's database and Redis):

- the web server as ``scripts/run.py`` starts it (``web_server``: uvicorn with WEB_CONCURRENCY
  workers today; the one function to change if `make run` changes servers), DEBUG off;
- SOAK_WORKERS real Celery workers (``core.testing.celery_worker_start``, one process each) on
  private copies of the three queues (default, webhooks, billing: routed as
  ``CELERY_TASK_ROUTES`` routes them), as `make run`'s worker consumes all three; and beat's
  schedule (``openchance.celery``: usage flush, webhook sweep, worker heartbeat) sent at beat's
  intervals with beat's options — beat-equivalent, without a second beat on the shared queues;
- SOAK_TENANTS tenants on a private plan with limits far above what the machine serves, each with
  SOAK_ENDPOINTS webhook endpoints (``*``) pointing to a local sink (``WebhookSink``) and
  SOAK_SUBSCRIBERS WebSocket subscribers (``*``);
- an asyncio load generator (httpx, SOAK_CONNECTIONS keep-alive connections per tenant, paced to
  SOAK_RATE requests/s in all so that it never starves a 2-core machine): GET /v1/me, lists,
  retrieves, creates and publishes that emit events, applications, sandbox calls, and some 4xx
  (404, 400, a rare unknown key).

Every SOAK_REPORT_SECONDS (30) it prints requests, errors by status, p50/p99, PostgreSQL
connections (pg_stat_activity of this database, per process kind through ``PGAPPNAME``), flush
lag (age of the oldest usage-stream entry after the flush cursor), RSS per process, WebSocket
events received vs emitted and webhook deliveries received vs expected. At the end, after the
workers have drained and a final flush: per tenant, the calls the ledger holds against the calls
the load generator got an answer for (HTTP answers with the tenant's keys plus WebSocket
handshakes, each metered as one call) — PASS or FAIL, exit status 1 on FAIL (also on any 5xx,
unanswered request or missing webhook delivery). Everything it provisions is deleted at the end.
"""

import asyncio
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, deque
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from fnmatch import fnmatch
from pathlib import Path

# Run as a script, bench/ leads sys.path, and bench/http.py would stand in for the standard
# library's http package (Django imports http.cookies, this script http.server).
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openchance.settings")
os.environ.setdefault("DEBUG", "false")  # measure what production runs (and keep no query log)
os.environ["PGAPPNAME"] = "soak-bench"  # this process's own connections, told apart below

import django  # noqa: E402

django.setup()

import httpx  # noqa: E402
import psycopg  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django_redis import get_redis_connection  # noqa: E402
from django_tenants.utils import schema_context  # noqa: E402
from websockets.asyncio.client import connect as websocket_connect  # noqa: E402
from websockets.exceptions import ConnectionClosed  # noqa: E402

from api.testing import uvicorn_server  # noqa: E402
from billing.models import Plan  # noqa: E402
from core.testing import celery_worker_start, celery_workers_stop, database_url  # noqa: E402
from events.models import Event  # noqa: E402
from metering.selectors import (  # noqa: E402
    usage_calls_total,
    usage_flush_backlog,
    usage_quarantine_count,
)
from metering.services import usage_flush  # noqa: E402
from openchance.celery import app as celery_app  # noqa: E402
from organisations.services import organisation_provision  # noqa: E402
from tenants.services import tenant_delete  # noqa: E402
from webhooks.testing import WebhookSink  # noqa: E402

SECONDS = float(os.environ.get("SOAK_SECONDS", "600"))
REPORT_SECONDS = float(os.environ.get("SOAK_REPORT_SECONDS", "30"))
TENANTS = int(os.environ.get("SOAK_TENANTS", "3"))
CONNECTIONS = int(os.environ.get("SOAK_CONNECTIONS", "2"))  # per tenant
RATE = float(os.environ.get("SOAK_RATE", "40"))  # requests/s, all tenants together
SUBSCRIBERS = int(os.environ.get("SOAK_SUBSCRIBERS", "2"))  # per tenant
ENDPOINTS = int(os.environ.get("SOAK_ENDPOINTS", "2"))  # per tenant
DRAIN_SECONDS = float(os.environ.get("SOAK_DRAIN_SECONDS", "60"))
WEB_WORKERS = int(os.environ.get("WEB_CONCURRENCY", "2"))  # as scripts/run.py
SAMPLE_SECONDS = 5.0
RUN = uuid.uuid4().hex[:6]
# Private copies of the queues `make run`'s worker consumes, so that nothing else takes the
# soak's tasks and the soak takes no one else's. Routed as CELERY_TASK_ROUTES routes.
QUEUES = {
    "default": f"soak-{RUN}-default",
    "webhooks": f"soak-{RUN}-webhooks",
    "billing": f"soak-{RUN}-billing",
}
CELERY_WORKERS = int(os.environ.get("SOAK_WORKERS", "2"))
EVENT_EMITTING = {"create", "publish", "apply"}

# Operation → weight. Event-emitting writes are about a quarter of the traffic; the unknown key
# stays far below the per-address limit of failed authentications (API_AUTH_FAILURE_LIMIT).
OPERATIONS = {
    "me": 20,
    "list_challenges": 15,
    "list_events": 8,
    "list_applications": 5,
    "get_challenge": 10,
    "create": 10,
    "publish": 8,
    "apply": 6,
    "not_found": 6,
    "invalid": 4,
    "sandbox_me": 4,
    "unknown_key": 0.3,
}


@contextmanager
def web_server(*, log_dir: Path, **env):
    """The web server as `make run` serves (scripts/run.py: uvicorn, WEB_CONCURRENCY workers).
    Yields its base URL and a function listing its processes' pids. The only place that knows
    which server it is: if `make run` changes servers, change this function."""
    with uvicorn_server(workers=WEB_WORKERS, log_dir=log_dir, **env) as base_url:
        port = base_url.rsplit(":", 1)[1]
        root = _child_with_argument(f"--port\0{port}\0")
        yield base_url, lambda: {pid: _role(pid, root) for pid in _process_tree(root)}


# --- Processes: pids and memory, read from /proc (Linux)


def _children() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(entry.name))
    return children


def _child_with_argument(argument: str) -> int:
    for pid in _children().get(os.getpid(), []):
        try:
            if argument in Path(f"/proc/{pid}/cmdline").read_text():
                return pid
        except OSError:
            continue
    raise RuntimeError(f"no child process with {argument!r} on its command line")


def _process_tree(root: int) -> list[int]:
    children, pids, todo = _children(), [], [root]
    while todo:
        pid = todo.pop()
        pids.append(pid)
        todo.extend(children.get(pid, []))
    return sorted(pids)


def _role(pid: int, root: int) -> str:
    """What a web server process is: the supervisor, a worker, or a helper of multiprocessing."""
    try:
        command = Path(f"/proc/{pid}/cmdline").read_text()
    except OSError:
        return "gone"
    if pid == root:
        return "main"
    return "tracker" if "resource_tracker" in command else "worker"


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


# --- What the load generator saw


@dataclass
class TenantLoad:
    slug: str
    host: str
    live_key: str
    test_key: str
    tenant: object
    drafts: deque = field(default_factory=lambda: deque(maxlen=200))
    published: deque = field(default_factory=lambda: deque(maxlen=50))
    answered: int = 0  # HTTP answers to calls with this tenant's keys (each one metered)
    ws_metered: int = 0  # WebSocket handshakes answered (welcome or rate limited): one call each
    events_emitted: int = 0  # 2xx answers to event-emitting writes


@dataclass
class Subscriber:
    tenant: TenantLoad
    event_ids: set = field(default_factory=set)
    duplicates: int = 0
    heartbeats: int = 0
    latencies: list = field(default_factory=list)  # event created → received, seconds
    drops: list = field(default_factory=list)  # close codes of unexpected closes
    subscribed: asyncio.Event = field(default_factory=asyncio.Event)


class Stats:
    """Shared by the load generator (event loop) and the reporter (a thread)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.statuses: Counter = Counter()
        self.by_operation: Counter = Counter()
        self.latencies: list[float] = []
        self.window: list[float] = []
        self.unanswered: list[str] = []
        self.server_errors: list[str] = []
        self.load_seconds = 0.0  # how long the load ran

    def record(self, operation: str, status: int, seconds: float, detail: str = "") -> None:
        with self.lock:
            self.statuses[status] += 1
            self.by_operation[operation] += 1
            self.latencies.append(seconds)
            self.window.append(seconds)
            if status >= 500 and len(self.server_errors) < 20:
                self.server_errors.append(f"{operation} {status} {detail[:200]}")

    def window_take(self) -> list[float]:
        with self.lock:
            window, self.window = self.window, []
        return window


def _percentile(values: list[float], fraction: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


# --- Load


async def _request(client, load: TenantLoad, operation: str, rng: random.Random):
    """One call of ``operation`` for ``load``'s tenant: (method, path, json, key)."""
    key, body, method = load.live_key, None, "GET"
    if operation == "me":
        path = "/v1/me"
    elif operation == "list_challenges":
        path = "/v1/challenges?limit=10"
    elif operation == "list_events":
        path = "/v1/events?limit=5"
    elif operation == "list_applications":
        path = "/v1/applications?limit=5"
    elif operation == "get_challenge" and (load.drafts or load.published):
        path = f"/v1/challenges/{rng.choice(list(load.drafts) + list(load.published))}"
    elif operation == "publish" and load.drafts:
        method, path = "POST", f"/v1/challenges/{load.drafts.popleft()}/publish"
    elif operation == "apply" and load.published:
        method, path = "POST", f"/v1/challenges/{rng.choice(load.published)}/applications"
        body = {
            "applicant": {"name": "Soak", "email": f"{uuid.uuid4().hex[:8]}@soak.test"},
            "pitch": "Steady traffic.",
        }
    elif operation == "not_found":
        path = "/v1/challenges/chl_00000000000000000000000000"
    elif operation == "invalid":
        method, path, body = "POST", "/v1/challenges", {"title": ""}
    elif operation == "sandbox_me":
        key, path = load.test_key, "/v1/me"
    elif operation == "unknown_key":
        key, path = "oc_live_" + uuid.uuid4().hex, "/v1/me"
    else:  # "create", and any operation that has nothing to act on yet
        operation = "create"
        method, path = "POST", "/v1/challenges"
        body = {"title": f"Soak {rng.randrange(10**6)}", "tags": ["soak"]}
    headers = {"Authorization": f"Bearer {key}"}
    return operation, await client.request(method, path, json=body, headers=headers)


async def _connection_run(client, load: TenantLoad, stats: Stats, deadline: float, seed: int):
    rng = random.Random(seed)
    names, weights = list(OPERATIONS), list(OPERATIONS.values())
    interval = TENANTS * CONNECTIONS / RATE
    next_at = time.monotonic() + rng.random() * interval
    while True:
        now = time.monotonic()
        if now >= deadline:
            return
        if next_at > now:
            await asyncio.sleep(next_at - now)
        # Paced, not closed-loop: a slow answer delays the next call, it does not add a burst.
        next_at = max(next_at + interval, time.monotonic() - interval)
        operation = rng.choices(names, weights)[0]
        started = time.perf_counter()
        try:
            operation, response = await _request(client, load, operation, rng)
        except httpx.HTTPError as exc:
            with stats.lock:
                stats.unanswered.append(f"{operation}: {exc!r}")
            continue
        elapsed = time.perf_counter() - started
        detail = response.text if response.status_code >= 500 else ""
        stats.record(operation, response.status_code, elapsed, detail)
        if operation != "unknown_key":
            load.answered += 1
        if operation in EVENT_EMITTING and response.status_code in (200, 201):
            load.events_emitted += 1
            if operation == "create":
                load.drafts.append(response.json()["id"])
            elif operation == "publish":
                load.published.append(response.json()["id"])


async def _subscriber_run(port: int, subscriber: Subscriber, stop: asyncio.Event) -> None:
    """One WebSocket subscriber to every event type; reconnects if the server drops it."""
    load = subscriber.tenant
    while not stop.is_set():
        try:
            async with websocket_connect(
                f"ws://{load.host}/v1/ws",
                host="127.0.0.1",
                port=port,
                additional_headers={"Authorization": f"Bearer {load.live_key}"},
                open_timeout=10,
            ) as ws:
                hello = json.loads(await ws.recv())
                if hello["type"] == "welcome" or hello.get("code") == "rate_limited":
                    load.ws_metered += 1  # the gateway meters the handshake as one call
                if hello["type"] != "welcome":
                    raise RuntimeError(f"WebSocket refused: {hello}")
                await ws.send(json.dumps({"type": "subscribe", "events": ["*"]}))
                receiving = asyncio.ensure_future(_subscriber_receive(ws, subscriber))
                stopping = asyncio.ensure_future(stop.wait())
                await asyncio.wait({receiving, stopping}, return_when=asyncio.FIRST_COMPLETED)
                stopping.cancel()
                if not receiving.done():
                    receiving.cancel()
                    return  # the soak is over
                receiving.result()  # raises the ConnectionClosed that ended it, if any
                raise RuntimeError("the server closed the WebSocket")
        except (ConnectionClosed, OSError, RuntimeError) as exc:
            code = getattr(getattr(exc, "rcvd", None), "code", None)
            subscriber.drops.append(code if code is not None else exc.__class__.__name__)
            await asyncio.sleep(1)


async def _subscriber_receive(ws, subscriber: Subscriber) -> None:
    async for frame in ws:
        message = json.loads(frame)
        if message["type"] == "subscribed":
            subscriber.subscribed.set()
        elif message["type"] == "heartbeat":
            subscriber.heartbeats += 1
        elif message["type"] == "event":
            event_id = message["event"]["id"]
            created_at = message["event"].get("created_at")
            if isinstance(created_at, str):
                subscriber.latencies.append(
                    time.time() - datetime.fromisoformat(created_at).timestamp()
                )
            if event_id in subscriber.event_ids:
                subscriber.duplicates += 1
            subscriber.event_ids.add(event_id)


async def _api_setup(base_url: str, loads: list[TenantLoad], sink: WebhookSink) -> None:
    """Webhook endpoints through the API (metered calls like any other)."""
    for load in loads:
        async with httpx.AsyncClient(base_url=base_url, headers={"Host": load.host}) as client:
            for index in range(ENDPOINTS):
                response = await client.post(
                    "/v1/webhook_endpoints",
                    json={"url": sink.url(f"/{load.slug}/{index}"), "events": ["*"]},
                    headers={"Authorization": f"Bearer {load.live_key}"},
                )
                load.answered += 1
                if response.status_code != 201:
                    raise RuntimeError(f"webhook endpoint not created: {response.text}")


async def _load_run(base_url: str, loads, subscribers, stats: Stats, ws_stop: asyncio.Event):
    port = int(base_url.rsplit(":", 1)[1])
    ws_tasks = [asyncio.ensure_future(_subscriber_run(port, s, ws_stop)) for s in subscribers]
    await asyncio.wait_for(asyncio.gather(*(s.subscribed.wait() for s in subscribers)), 30)
    load_started = time.monotonic()
    deadline = load_started + SECONDS
    limits = httpx.Limits(max_connections=CONNECTIONS, max_keepalive_connections=CONNECTIONS)
    clients = [
        httpx.AsyncClient(base_url=base_url, headers={"Host": load.host}, limits=limits, timeout=30)
        for load in loads
    ]
    try:
        await asyncio.gather(
            *(
                _connection_run(client, load, stats, deadline, seed=index * 100 + connection_index)
                for index, (client, load) in enumerate(zip(clients, loads, strict=True))
                for connection_index in range(CONNECTIONS)
            )
        )
    finally:
        stats.load_seconds = time.monotonic() - load_started
        for client in clients:
            await client.aclose()
    return ws_tasks


# --- Sampling and reports (a thread: it uses the ORM and blocking clients)


class Monitor(threading.Thread):
    """Every SAMPLE_SECONDS: beat's schedule, PostgreSQL connections, flush lag, RSS; every
    REPORT_SECONDS a report line."""

    def __init__(self, *, stats, loads, subscribers, sink, server_pids, worker_pids):
        super().__init__(daemon=True)
        self.stats, self.loads, self.subscribers, self.sink = stats, loads, subscribers, sink
        self.server_pids, self.worker_pids = server_pids, worker_pids
        self.stop = threading.Event()
        self.started = time.monotonic()
        self.samples: list[dict] = []
        self.reports: list[dict] = []
        self._window_samples: list[dict] = []
        self._last_report = self.started
        self._beat_due = {name: 0.0 for name in celery_app.conf.beat_schedule}
        self._database = psycopg.connect(database_url(), autocommit=True)
        self._redis = get_redis_connection("default")

    def run(self) -> None:
        next_report = self.started + REPORT_SECONDS
        try:
            while not self.stop.wait(SAMPLE_SECONDS):
                self.beat()
                self._window_samples.append(self.sample())
                if time.monotonic() >= next_report:
                    next_report += REPORT_SECONDS
                    self.report()
            self._window_samples.append(self.sample())
            self.report()  # the last one: after the drain and the final flush
        finally:
            self._database.close()
            connection.close()

    def beat(self) -> None:
        """What beat would send now, to the soak's queue (openchance/celery.py's schedule)."""
        now = time.monotonic()
        for name, entry in celery_app.conf.beat_schedule.items():
            if now >= self._beat_due[name]:
                self._beat_due[name] = now + float(entry["schedule"])
                options = entry.get("options", {})
                celery_app.send_task(entry["task"], queue=_queue_of(entry["task"]), **options)

    def sample(self) -> dict:
        rows = self._database.execute(
            "SELECT application_name, count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() GROUP BY 1"
        ).fetchall()
        connections = {name: count for name, count in rows}
        backlog = usage_flush_backlog(redis=self._redis)
        server = {f"{role} {pid}": _rss_mb(pid) for pid, role in self.server_pids().items()}
        sample = {
            "at": time.monotonic() - self.started,
            "pg_web": connections.get("soak-web", 0),
            "pg_worker": connections.get("soak-worker", 0),
            "pg_total": sum(connections.values()),
            "flush_lag": backlog.lag_seconds,
            "flush_pending": backlog.pending,
            "rss_server": server,
            "rss_worker": {pid: _rss_mb(pid) for pid in self.worker_pids},
        }
        self.samples.append(sample)
        return sample

    def report(self) -> None:
        window, self._window_samples = self._window_samples, []
        latencies = self.stats.window_take()
        window_seconds = max(time.monotonic() - self._last_report, 1e-3)
        self._last_report = time.monotonic()
        last = window[-1]
        with self.stats.lock:
            total = sum(self.stats.statuses.values())
            errors = {s: n for s, n in sorted(self.stats.statuses.items()) if s >= 400}
        emitted = {load.slug: load.events_emitted for load in self.loads}
        ws_expected = sum(emitted[s.tenant.slug] for s in self.subscribers)
        ws_received = sum(len(s.event_ids) for s in self.subscribers)
        webhooks_expected = sum(emitted.values()) * ENDPOINTS
        rss_celery = " + ".join(f"{mb:.0f}" for mb in last["rss_worker"].values())
        rss_server = ", ".join(
            f"{name.split()[0]} {mb:.0f}" for name, mb in last["rss_server"].items()
        )
        line = (
            f"[{last['at']:5.0f} s] requests {total} ({len(latencies) / window_seconds:.1f}/s)"
            f"  errors {' '.join(f'{s}:{n}' for s, n in errors.items()) or 'none'}"
            f"  p50 {_percentile(latencies, 0.5) * 1000:.1f} ms"
            f"  p99 {_percentile(latencies, 0.99) * 1000:.1f} ms"
            f" | pg conns web {last['pg_web']} worker {last['pg_worker']} all {last['pg_total']}"
            f" (max {max(s['pg_total'] for s in window)})"
            f" | flush lag {last['flush_lag']:.1f} s"
            f" (max {max(s['flush_lag'] for s in window):.1f})"
            f" | RSS MB web {rss_server}; celery {rss_celery}"
            f" | ws events {ws_received}/{ws_expected}"
            f" | webhooks {self.sink.count}/{webhooks_expected}"
        )
        print(line, flush=True)


# --- Setup, verdict, teardown


def _queue_of(task_name: str) -> str:
    """The soak's copy of the queue ``task_name`` is routed to (CELERY_TASK_ROUTES)."""
    private = {
        settings.CELERY_TASK_DEFAULT_QUEUE: QUEUES["default"],
        settings.WEBHOOK_QUEUE: QUEUES["webhooks"],
        "billing": QUEUES["billing"],
    }
    for pattern, route in settings.CELERY_TASK_ROUTES.items():
        if fnmatch(task_name, pattern):
            return private[route["queue"]]
    return QUEUES["default"]


def _tenants_provision(plan: Plan) -> list[TenantLoad]:
    loads = []
    for index in range(TENANTS):
        slug = f"soak-{RUN}-{index}"
        provisioned = organisation_provision(
            slug=slug, name=f"Soak {index}", plan_code=plan.code, owner_email=f"{slug}@bench.test"
        )
        loads.append(
            TenantLoad(
                slug=slug,
                host=provisioned.domains[0],
                live_key=provisioned.live_key,
                test_key=provisioned.test_key,
                tenant=provisioned.tenant,
            )
        )
    return loads


def _drain(loads, subscribers, sink: WebhookSink) -> None:
    """Wait (at most DRAIN_SECONDS) until the workers have delivered every event to the sink and
    the subscribers."""
    webhooks_expected = sum(load.events_emitted for load in loads) * ENDPOINTS
    deadline = time.monotonic() + DRAIN_SECONDS
    while time.monotonic() < deadline:
        ws_missing = sum(max(0, s.tenant.events_emitted - len(s.event_ids)) for s in subscribers)
        if sink.count >= webhooks_expected and ws_missing == 0:
            return
        time.sleep(0.5)


def _ledger_settle(loads) -> dict[str, int]:
    """The final flush: fold what is buffered until every tenant's ledger stops moving."""
    time.sleep(2 * settings.USAGE_PUSH_INTERVAL + 0.5)  # the server's buffers reach Redis
    deadline, previous = time.monotonic() + 30, None
    while True:
        usage_flush()
        metered = {load.slug: usage_calls_total(organisation_id=load.tenant.pk) for load in loads}
        served = {load.slug: load.answered + load.ws_metered for load in loads}
        if metered == served or metered == previous or time.monotonic() > deadline:
            return metered
        previous = metered
        time.sleep(1)


def _events_in_database(load: TenantLoad) -> int:
    with schema_context(load.tenant.schema_name):
        return Event.objects.count()


def _summary(*, stats, loads, subscribers, sink, monitor, metered) -> bool:
    total = sum(stats.statuses.values())
    elapsed = max(stats.load_seconds, 1e-3)
    statuses = " ".join(f"{s}:{n}" for s, n in sorted(stats.statuses.items()))
    print(
        f"soak: {elapsed:.0f} s of load, {TENANTS} tenants x {CONNECTIONS} connections paced to "
        f"{RATE:g} req/s, {SUBSCRIBERS} WebSocket subscribers and {ENDPOINTS} webhook endpoints "
        f"per tenant, web server {WEB_WORKERS} worker process(es), {CELERY_WORKERS} Celery "
        f"worker process(es); {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    print(
        f"  requests {total} ({total / elapsed:.1f}/s)  statuses {statuses}  "
        f"p50 {_percentile(stats.latencies, 0.5) * 1000:.1f} ms  "
        f"p99 {_percentile(stats.latencies, 0.99) * 1000:.1f} ms  "
        f"max {max(stats.latencies, default=0) * 1000:.0f} ms  unanswered {len(stats.unanswered)}"
    )
    samples = monitor.samples
    if samples:
        for name, key in (("web", "pg_web"), ("worker", "pg_worker"), ("all", "pg_total")):
            values = [s[key] for s in samples]
            print(
                f"  PostgreSQL connections {name:6}  min {min(values)}  "
                f"median {statistics.median(values):g}  max {max(values)}  last {values[-1]}"
            )
        lags = [s["flush_lag"] for s in samples]
        print(
            f"  flush lag  median {statistics.median(lags):.1f} s  max {max(lags):.1f} s  "
            f"(flush every {settings.USAGE_FLUSH_INTERVAL:g} s); quarantined records "
            f"{usage_quarantine_count()}"
        )
        # Memory after the first report (warmed up) against the end: growth over the soak.
        warm = next((s for s in samples if s["at"] >= REPORT_SECONDS), samples[0])
        for name in samples[-1]["rss_server"]:
            series = [s["rss_server"].get(name, 0) for s in samples]
            print(
                f"  RSS web {name:19} warm {warm['rss_server'].get(name, 0):6.1f} MB  "
                f"max {max(series):6.1f} MB  end {series[-1]:6.1f} MB"
            )
        for pid in monitor.worker_pids:
            series = [s["rss_worker"][pid] for s in samples]
            print(
                f"  RSS celery worker {pid:<9} warm {warm['rss_worker'][pid]:6.1f} MB  "
                f"max {max(series):6.1f} MB  end {series[-1]:6.1f} MB"
            )

    events = {load.slug: _events_in_database(load) for load in loads}
    ws_expected = sum(events[s.tenant.slug] for s in subscribers)
    ws_received = sum(len(s.event_ids) for s in subscribers)
    drops = [code for s in subscribers for code in s.drops]
    print(
        f"  events emitted {sum(events.values())} (load generator counted "
        f"{sum(load.events_emitted for load in loads)} event-emitting answers)"
    )
    print(
        f"  WebSocket events received {ws_received} of {ws_expected} "
        f"({len(subscribers)} subscribers), duplicates {sum(s.duplicates for s in subscribers)}, "
        f"heartbeats {sum(s.heartbeats for s in subscribers)}, unexpected closes {len(drops)}"
        + (f" {Counter(drops)}" if drops else "")
    )
    latencies = [latency for s in subscribers for latency in s.latencies]
    if latencies:
        print(
            f"  WebSocket event latency (created → received)  "
            f"p50 {_percentile(latencies, 0.5) * 1000:.0f} ms  "
            f"p99 {_percentile(latencies, 0.99) * 1000:.0f} ms  max {max(latencies) * 1000:.0f} ms"
        )
    webhooks_expected = sum(events.values()) * ENDPOINTS
    print(f"  webhook deliveries received {sink.count} of {webhooks_expected}")

    is_metered = True
    for load in loads:
        served = load.answered + load.ws_metered
        same = metered[load.slug] == served
        is_metered &= same
        print(
            f"  {load.slug}: served {served} (HTTP {load.answered}, WebSocket {load.ws_metered})"
            f"  metered {metered[load.slug]}  {'ok' if same else 'MISMATCH'}"
        )
    checks = {
        "served == metered": is_metered,
        "no 5xx": not any(status >= 500 for status in stats.statuses),
        "every request answered": not stats.unanswered,
        "every webhook delivered": sink.count >= webhooks_expected,
    }
    for error in stats.server_errors[:5] + stats.unanswered[:5]:
        print(f"    {error}")
    print(f"  WebSocket events complete: {'yes' if ws_received >= ws_expected else 'NO'} "
          "(best effort: a dropped subscriber misses what it was not there for)")  # fmt: skip
    failed = [name for name, ok in checks.items() if not ok]
    verdict = "PASS" if not failed else "FAIL"
    print(
        f"soak {verdict}: "
        + ", ".join(f"{n} {'ok' if ok else 'FAILED'}" for n, ok in checks.items())
    )
    return not failed


def main() -> int:
    log_dir = Path(tempfile.mkdtemp(prefix="soak-"))
    plan = Plan.objects.create(
        code=f"soak-{RUN}", name="Soak", rate_per_second=10**6, burst=10**6, is_public=False
    )
    loads = _tenants_provision(plan)
    sink = WebhookSink(record=False)
    env = {
        "OPENCHANCE_ENV": os.environ.get("OPENCHANCE_ENV", "local"),  # as `make run`
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
        "WEBHOOK_QUEUE": QUEUES["webhooks"],
        "WEBHOOK_ALLOWED_PRIVATE_HOSTS": sink.host,
    }
    stats = Stats()
    workers = []
    ok = False
    try:
        for index in range(CELERY_WORKERS):
            log_path = log_dir / f"worker-{index}.log"
            workers.append(
                celery_worker_start(
                    queues=",".join(QUEUES.values()),
                    log_path=log_path,
                    pool="solo",
                    PGAPPNAME="soak-worker",
                    **env,
                )
            )
        with web_server(log_dir=log_dir, PGAPPNAME="soak-web", **env) as (base_url, server_pids):
            print(
                f"soak: {SECONDS:g} s against {base_url} (logs in {log_dir}); "
                f"a report every {REPORT_SECONDS:g} s",
                flush=True,
            )
            subscribers = [Subscriber(load) for load in loads for _ in range(SUBSCRIBERS)]
            monitor = Monitor(
                stats=stats,
                loads=loads,
                subscribers=subscribers,
                sink=sink,
                server_pids=server_pids,
                worker_pids=[worker.pid for worker in workers],
            )
            monitor.beat()  # the first heartbeat and flush, as beat sends them at start-up

            async def soak() -> None:
                await _api_setup(base_url, loads, sink)
                ws_stop = asyncio.Event()
                monitor.start()
                ws_tasks = await _load_run(base_url, loads, subscribers, stats, ws_stop)
                await asyncio.to_thread(_drain, loads, subscribers, sink)
                ws_stop.set()
                await asyncio.gather(*ws_tasks)

            asyncio.run(soak())
            metered = _ledger_settle(loads)
            monitor.stop.set()
            monitor.join(timeout=30)
            ok = _summary(
                stats=stats,
                loads=loads,
                subscribers=subscribers,
                sink=sink,
                monitor=monitor,
                metered=metered,
            )
    finally:
        celery_workers_stop(workers)
        sink.close()
        connection.set_schema_to_public()
        for load in loads:
            tenant_delete(tenant=load.tenant)
        plan.delete()
        get_redis_connection("default").delete(*QUEUES.values())
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
