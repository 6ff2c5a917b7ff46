"""Webhooks benchmark: delivery throughput through the real worker, and what fan-out costs the
request that emits an event.

1. Deliveries per second: a real Celery worker (prefork, CONCURRENCY processes, its own queue)
   delivers EVENTS events × ENDPOINTS endpoints — outbox fan-out, claim, signing, SSRF-checked POST,
   attempt recorded — to a local HTTP sink running in its own process; divided by the same signed
   POSTs sent to the same sink by a plain HTTP client loop (httpx, keep-alive) at equal
   concurrency (CONCURRENCY threads). Goal >= 0.5. First attempts go out in the fan-out task's
   batch, up to ``BATCH_THREADS`` requests at once per process, so the plain loop is also run with
   CONCURRENCY × BATCH_THREADS threads: the comparison at equal requests in flight. Measured
   against the instant sink (as specified) and a receiver taking BENCH_RECEIVER_MS to answer; then
   the instant deliveries are replayed, one task each — the path every retry takes.
2. p99 latency of an event-emitting API call (POST /v1/challenges → ``challenge.created``) with 50
   subscribed endpoints, divided by the same call with none (two identical tenants, alternating
   call by call). Goal <= 1.1:
   fan-out happens in the worker, the request only enqueues one task per event. The worker is
   stopped for this part so that it measures the request, not two processes sharing 2 cores.

It provisions a tenant on a private plan with limits far above what the machine can serve, and
deletes it (and the plan and its queue) afterwards.
"""

import json
import os
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

# Run as a script, bench/ leads sys.path, and bench/http.py would stand in for the standard
# library's http package (Django imports http.cookies, this script http.server).
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer  # noqa: E402

BASE_DIR = Path(__file__).resolve().parent.parent
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "2"))
EVENTS = int(os.environ.get("BENCH_EVENTS", "20"))
SLOW_EVENTS = int(os.environ.get("BENCH_SLOW_EVENTS", "4"))
RECEIVER_SECONDS = float(os.environ.get("BENCH_RECEIVER_MS", "50")) / 1000
ENDPOINTS = int(os.environ.get("BENCH_ENDPOINTS", "50"))
CALLS = int(os.environ.get("BENCH_CALLS", "1000"))  # per configuration


def sink_main() -> None:
    """The receiver, in a process of its own: 200 to every POST; GET /count says how many."""
    count = 0
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go out in separate writes

        def do_POST(self):  # noqa: N802
            nonlocal count
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if self.path.startswith("/slow/"):
                time.sleep(RECEIVER_SECONDS)  # a receiver that does some work before answering
            with lock:
                count += 1
            self._reply(b"ok")

        def do_GET(self):  # noqa: N802
            self._reply(str(count).encode())

        def _reply(self, body: bytes) -> None:
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    server.serve_forever()


if len(sys.argv) > 1 and sys.argv[1] == "--sink":
    sink_main()
    sys.exit(0)

QUEUE = f"webhooks-bench-{uuid.uuid4().hex[:6]}"
sink_process = subprocess.Popen(
    [sys.executable, __file__, "--sink"], stdout=subprocess.PIPE, text=True
)
SINK_PORT = int(sink_process.stdout.readline())
SINK_HOST = f"127.0.0.1:{SINK_PORT}"
os.environ["WEBHOOK_ALLOWED_PRIVATE_HOSTS"] = SINK_HOST
os.environ["WEBHOOK_QUEUE"] = QUEUE
os.environ.setdefault("DEBUG", "false")  # measure what production runs
os.environ.setdefault("LOG_LEVEL", "WARNING")
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openchance.settings")

import django  # noqa: E402

django.setup()

import httpx  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django_redis import get_redis_connection  # noqa: E402
from django_tenants.utils import tenant_context  # noqa: E402

from billing.models import Plan  # noqa: E402
from events.services import event_emit  # noqa: E402
from organisations.services import organisation_provision  # noqa: E402
from tenants.services import tenant_delete  # noqa: E402
from webhooks.models import WebhookDelivery, WebhookEndpoint  # noqa: E402
from webhooks.services.attempts import (  # noqa: E402
    BATCH_THREADS,
    event_body,
    webhook_delivery_retry,
)
from webhooks.services.endpoints import webhook_endpoint_create  # noqa: E402
from webhooks.signing import signed_headers  # noqa: E402

IN_FLIGHT = CONCURRENCY * BATCH_THREADS


def sink_count() -> int:
    return int(httpx.get(f"http://{SINK_HOST}/count").text)


def sink_wait(target: int, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while sink_count() < target:
        if time.monotonic() > deadline:
            raise RuntimeError(f"the sink got {sink_count()} of {target} deliveries")
        time.sleep(0.1)


def worker_start() -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "openchance", "worker", "-Q", QUEUE,
            "--concurrency", str(CONCURRENCY), "--loglevel", "WARNING", "--without-mingle",
            "--without-gossip", "--without-heartbeat", "--hostname", f"{QUEUE}@%h",
        ],
        cwd=BASE_DIR,
        env=dict(os.environ),
    )  # fmt: skip


def endpoints_create(count: int, *, prefix: str = "", event_types=("*",)) -> None:
    for index in range(count):
        webhook_endpoint_create(
            url=f"http://{SINK_HOST}{prefix}/e{index}", event_types=list(event_types)
        )


def worker_deliveries_per_second(tenant) -> dict[str, tuple[float, int]]:
    """Deliveries/s through the worker: to the instant sink, then to the slow one."""
    rates = {}
    with tenant_context(tenant):
        endpoints_create(ENDPOINTS, event_types=["bench.warmup", "bench.instant"])
        endpoints_create(ENDPOINTS, prefix="/slow", event_types=["bench.slow"])
        worker = worker_start()
        try:
            # Warm-up: worker processes import, connect, build their HTTP clients.
            start_count = sink_count()
            event_emit(type="bench.warmup", data={"n": 0})
            sink_wait(start_count + ENDPOINTS)
            for kind, events in (("instant", EVENTS), ("slow", SLOW_EVENTS)):
                start_count = sink_count()
                total = events * ENDPOINTS
                started = time.perf_counter()
                with transaction.atomic():
                    for index in range(events):
                        event_emit(type=f"bench.{kind}", data={"n": index})
                sink_wait(start_count + total)
                rates[kind] = (total / (time.perf_counter() - started), total)
            rates["replay"] = replays_per_second()
        finally:
            worker.terminate()
            worker.wait(timeout=30)
        WebhookEndpoint.objects.all().delete()
    return rates


def replays_per_second() -> tuple[float, int]:
    """The instant deliveries replayed (``…/retry``): one task each, the path of every retry.
    The clock starts when the replays commit, which is when their tasks are enqueued."""
    deliveries = list(WebhookDelivery.objects.filter(event__type="bench.instant"))
    start_count = sink_count()
    committed_at = []
    with transaction.atomic():
        transaction.on_commit(lambda: committed_at.append(time.perf_counter()))  # runs first
        for delivery in deliveries:
            webhook_delivery_retry(delivery=delivery)
    sink_wait(start_count + len(deliveries))
    return len(deliveries) / (time.perf_counter() - committed_at[0]), len(deliveries)


def plain_posts_per_second(total: int, *, prefix: str = "", threads: int = CONCURRENCY) -> float:
    """The same signed POSTs from a plain httpx loop, ``threads`` threads (CONCURRENCY: as many
    as the worker has processes)."""
    body = event_body_sample()
    headers = signed_headers(
        secrets_=["whsec_" + "A" * 43 + "="], message_id="evt_x", timestamp=int(time.time()),
        body=body,
    )  # fmt: skip
    headers["Content-Type"] = "application/json"
    per_thread = total // threads

    def run():
        with httpx.Client() as client:
            for index in range(per_thread):
                client.post(
                    f"http://{SINK_HOST}{prefix}/e{index % ENDPOINTS}",
                    content=body,
                    headers=headers,
                )

    workers = [threading.Thread(target=run) for _ in range(threads)]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return per_thread * threads / (time.perf_counter() - started)


def event_body_sample() -> bytes:
    from events.models import Event

    return event_body(Event(id="evt_x", type="bench.delivered", data={"n": 1}, livemode=True))


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * 0.99 + 0.5) - 1)]


def emitting_call_latencies(subscribed, bare) -> dict[int, list[float]]:
    """POST /v1/challenges on two identical tenants, one with ENDPOINTS subscribed endpoints and
    one with none, alternating call by call so that drift and noise hit both alike."""
    clients = {}
    for endpoints, provisioned in ((ENDPOINTS, subscribed), (0, bare)):
        with tenant_context(provisioned.tenant):
            endpoints_create(endpoints)
        clients[endpoints] = Client(
            HTTP_HOST=provisioned.domains[0],
            HTTP_AUTHORIZATION=f"Bearer {provisioned.live_key}",
        )
    body = json.dumps({"title": "Benchmark challenge"})
    latencies: dict[int, list[float]] = {0: [], ENDPOINTS: []}

    def call(endpoints: int) -> float:
        started = time.perf_counter()
        response = clients[endpoints].post("/v1/challenges", body, content_type="application/json")
        elapsed = time.perf_counter() - started
        if response.status_code != 201:
            raise RuntimeError(f"POST /v1/challenges answered {response.status_code}")
        return elapsed

    for _ in range(20):  # warm-up
        call(0), call(ENDPOINTS)
    for index in range(CALLS):
        order = (0, ENDPOINTS) if index % 2 else (ENDPOINTS, 0)
        for endpoints in order:
            latencies[endpoints].append(call(endpoints))
    return latencies


def main() -> None:
    run = uuid.uuid4().hex[:6]
    plan = Plan.objects.create(
        code=f"bench-wh-{run}", name="Bench", rate_per_second=10**9, burst=10**9, is_public=False
    )
    provisioned = [
        organisation_provision(
            slug=f"bench-wh-{run}-{index}",
            name="Bench",
            plan_code=plan.code,
            owner_email=f"wh-{run}@bench.test",
        )
        for index in range(2)
    ]
    try:
        rates = worker_deliveries_per_second(provisioned[0].tenant)
        plain = {
            "instant": plain_posts_per_second(rates["instant"][1]),
            "slow": plain_posts_per_second(rates["slow"][1], prefix="/slow"),
            "replay": plain_posts_per_second(rates["replay"][1]),
        }
        # The fan-out batch has up to CONCURRENCY × BATCH_THREADS requests in flight: the plain
        # loop with as many threads is the comparison at equal requests in flight.
        plain_in_flight = {
            "instant": plain_posts_per_second(rates["instant"][1], threads=IN_FLIGHT),
            "slow": plain_posts_per_second(rates["slow"][1], prefix="/slow", threads=IN_FLIGHT),
        }
        latencies = emitting_call_latencies(*provisioned)
    finally:
        connection.set_schema_to_public()
        for each in provisioned:
            tenant_delete(tenant=each.tenant)
        plan.delete()
        get_redis_connection("default").delete(QUEUE)
        sink_process.terminate()

    print(f"webhooks: deliveries/s at concurrency {CONCURRENCY}, {ENDPOINTS} endpoints")
    batch = "fan-out batch (claim, sign, SSRF check, POST, record)"
    for kind, label, path in (
        ("instant", "instant local sink (as specified)", batch),
        ("slow", f"receiver answering in {RECEIVER_SECONDS * 1000:.0f} ms", batch),
        ("replay", "instant sink, replayed: one task per delivery", "one task per delivery"),
    ):
        rate, total = rates[kind]
        ratio = rate / plain[kind]
        goal = f"goal >= 0.5: {'met' if ratio >= 0.5 else 'NOT met'}"
        if kind == "replay":
            goal = "(the path of retries and replays)"
        print(f"  {label}: {total} deliveries")
        print(f"    {'worker, ' + path:62} {rate:8.1f} /s")
        print(f"    {f'plain httpx POST loop, {CONCURRENCY} threads (keep-alive)':62} "
              f"{plain[kind]:8.1f} /s")  # fmt: skip
        print(f"    ratio worker / plain: {ratio:.2f}   {goal}")
        if kind in plain_in_flight:
            print(f"    {f'plain loop, {IN_FLIGHT} threads (the batch requests in flight)':62} "
                  f"{plain_in_flight[kind]:8.1f} /s   ratio "
                  f"{rate / plain_in_flight[kind]:.2f}")  # fmt: skip
    none, many = latencies[0], latencies[ENDPOINTS]
    latency_ratio = p99(many) / p99(none)
    print(f"event-emitting call POST /v1/challenges, {len(none)} calls per configuration")
    for label, values in (("no endpoints", none), (f"{ENDPOINTS} endpoints", many)):
        print(f"  {label:14} p50 {statistics.median(values) * 1000:6.2f} ms   "
              f"p99 {p99(values) * 1000:6.2f} ms")  # fmt: skip
    print(f"  ratio p99 {ENDPOINTS} / none: {latency_ratio:.2f}   goal <= 1.1: "
          f"{'met' if latency_ratio <= 1.1 else 'NOT met'}")  # fmt: skip


if __name__ == "__main__":
    main()
