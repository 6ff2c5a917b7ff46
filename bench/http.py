"""HTTP benchmark: the API as served, against the ceiling of a bare DRF view under the same server.

Variants, each in a server process of its own (one worker process, ``DEBUG`` off):

- ``bare``: a bare DRF ``APIView``, no middleware, no database (``bench.gateway_app.bare_*``):
  the ceiling for any DRF-served call;
- ``me``: ``GET /v1/me`` through the whole platform (middleware, key, limits, metering);
- ``list``: ``GET /v1/challenges?limit=10`` over a tenant holding 1,000 challenges, as served
  (repeated, so after the first call the response cache of read routes answers: README,
  *Response cache*);
- ``list-uncached``: the same with the response cache off (``API_RESPONSE_CACHE_SECONDS=0``):
  every call parses, queries and renders, as a list whose answer is not cached does.

``BENCH_VARIANTS`` (a comma-separated list of the names above) measures only those, beside the
bare view. Each runs under every server of ``BENCH_SERVERS``
(default ``make-run,gunicorn,granian,uvicorn``:
``make run``'s topology — ``scripts/run.py``'s nginx in front of granian, one web worker, through
``api.testing.platform_server``, the platform variants only, measured against the bare view
under granian; gunicorn's sync WSGI worker; granian's WSGI worker with ``BENCH_THREADS`` (4)
blocking threads, as ``make run`` starts it; uvicorn's ASGI with httptools and uvloop). The load
generator is wrk (Debian's; ``make bench`` installs it), one thread and ``BENCH_CONNECTIONS`` (4)
keep-alive connections, so it takes a fraction of one core and leaves the other to the server.
All variants are measured alternately,
``BENCH_ROUNDS`` rounds (2) of ``BENCH_SECONDS`` (5 s) each after a warm-up, then once more with
one connection for ``BENCH_LATENCY_SECONDS`` (3 s): at one request in flight p99 is the service
time, not queueing, so the difference to the bare view is the latency the platform adds.

Printed per server: req/s, p50/p99 (ms) at both concurrencies, the server's CPU time per
request under load (every process and thread of it: what a call costs a core), the ratio of
each platform variant to the bare view (goals: /v1/me >= 0.6, the list >= 0.4), the p99 latency
/v1/me adds (goal <= 2 ms), SQL queries and Redis round trips per request in the server process
(goal: no SQL on a warm /v1/me; only the key and host caches' refreshes run any), the RSS of each
worker process, and the machine's load average before and after: on this shared 2-core machine
absolute figures move with whatever else runs, the ratios much less.

It provisions a tenant on a private plan with limits far above what the machine serves (the
limiter runs its full path and never refuses) and deletes it afterwards.
"""

import sys
from pathlib import Path

# Run as a script, this file's folder leads sys.path and this module would stand in for the
# standard library's ``http`` package in everything imported after it (Django included).
_HERE = Path(__file__).resolve().parent
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != _HERE]

import os  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from contextlib import ExitStack  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from tempfile import TemporaryDirectory  # noqa: E402

BASE_DIR = _HERE.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openchance.settings")

import django  # noqa: E402

django.setup()

import httpx  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django_tenants.utils import tenant_context  # noqa: E402

from api.testing import free_port, platform_server  # noqa: E402
from bench.gateway import server_stats, unlimited_plan_create  # noqa: E402
from marketplace.models import Challenge  # noqa: E402
from organisations.services import organisation_provision  # noqa: E402
from tenants.services import tenant_delete  # noqa: E402

SECONDS = float(os.environ.get("BENCH_SECONDS", "5"))
LATENCY_SECONDS = float(os.environ.get("BENCH_LATENCY_SECONDS", "3"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "2"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "4"))
THREADS = int(os.environ.get("BENCH_THREADS", "4"))
SERVERS = os.environ.get("BENCH_SERVERS", "make-run,gunicorn,granian,uvicorn").split(",")
ROWS = 1000
BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class Variant:
    name: str
    label: str
    settings: str
    wsgi: str
    asgi: str
    path: str
    is_platform: bool  # served by the platform (counters at /bench/stats, a key, a tenant host)
    goal: float | None = None  # ratio to the bare view
    env: tuple[tuple[str, str], ...] = ()  # the server's environment, besides the settings
    note: str = ""  # printed beside the ratio when there is no goal


PLATFORM_SETTINGS = "bench.gateway_app.settings"  # the platform's, plus SQL/Redis counters
VARIANTS = (
    Variant(
        "bare",
        "bare DRF view, no middleware",
        "bench.gateway_app.bare_settings",
        "bench.gateway_app.bare_app:application",
        "bench.gateway_app.bare_app:asgi_application",
        "/bare",
        is_platform=False,
    ),
    Variant(
        "me",
        "GET /v1/me, full gateway",
        PLATFORM_SETTINGS,
        "openchance.wsgi:application",
        "openchance.asgi:application",
        "/v1/me",
        is_platform=True,
        goal=0.6,
    ),
    Variant(
        "list",
        f"GET /v1/challenges?limit=10 ({ROWS:,} rows)",
        PLATFORM_SETTINGS,
        "openchance.wsgi:application",
        "openchance.asgi:application",
        "/v1/challenges?limit=10",
        is_platform=True,
        goal=0.4,
    ),
    Variant(
        "list-uncached",
        "the same list, response cache off",
        PLATFORM_SETTINGS,
        "openchance.wsgi:application",
        "openchance.asgi:application",
        "/v1/challenges?limit=10",
        is_platform=True,
        env=(("API_RESPONSE_CACHE_SECONDS", "0"),),
        note="every call queries and renders: what a list costs whose answer is not cached",
    ),
)
# BENCH_VARIANTS (e.g. "bare,me"): only these, for a quicker look; the bare view always runs.
_CHOSEN = os.environ.get("BENCH_VARIANTS")
if _CHOSEN:
    VARIANTS = tuple(v for v in VARIANTS if v.name == "bare" or v.name in _CHOSEN.split(","))
SERVER_LABELS = {
    "gunicorn": "gunicorn, WSGI, 1 sync worker",
    "granian": f"granian, WSGI, 1 worker, {THREADS} blocking threads",
    "uvicorn": "uvicorn, ASGI (httptools, uvloop), 1 worker",
    "make-run": "make run's topology (scripts/run.py: nginx -> granian WSGI), 1 web worker",
}
# Servers that cannot serve the bare view measure against the bare view under this one.
CEILING_OF = {"make-run": "granian"}


def server_command(server: str, variant: Variant, port: int) -> list[str]:
    if server == "gunicorn":
        return [
            sys.executable, "-m", "gunicorn", variant.wsgi, "--bind", f"127.0.0.1:{port}",
            "--workers", "1", "--worker-class", "sync", "--log-level", "warning",
        ]  # fmt: skip
    if server == "granian":
        return [
            str(BIN / "granian"), "--interface", "wsgi", variant.wsgi, "--host", "127.0.0.1",
            "--port", str(port), "--workers", "1", "--blocking-threads", str(THREADS),
            "--no-ws", "--log-level", "warning", "--no-access-log",
        ]  # fmt: skip
    if server == "uvicorn":
        return [
            sys.executable, "-m", "uvicorn", variant.asgi, "--host", "127.0.0.1",
            "--port", str(port), "--workers", "1", "--http", "httptools", "--loop", "uvloop",
            "--no-access-log", "--log-level", "warning",
        ]  # fmt: skip
    raise ValueError(f"unknown server {server!r}; known: {', '.join(SERVER_LABELS)}")


@dataclass
class Server:
    name: str
    variant: Variant
    port: int
    process: subprocess.Popen
    stop: object = None  # how to stop it, when not by signalling its process group

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{self.variant.path}"


def server_start(server: str, variant: Variant, stack: ExitStack) -> Server:
    if server == "make-run":
        # api.testing.platform_server runs scripts/run.py as `make run` does (front and web
        # only), on this process's database and Redis rather than the test ones.
        platform = stack.enter_context(
            platform_server(
                log_dir=Path(stack.enter_context(TemporaryDirectory(prefix="bench-http-"))),
                processes="front,web",
                OPENCHANCE_ENV=os.environ.get("OPENCHANCE_ENV", "local"),
                DATABASE_URL=os.environ.get("DATABASE_URL", _database_url()),
                REDIS_URL=settings.REDIS_URL,
                CELERY_BROKER_URL=settings.CELERY_BROKER_URL,
                DJANGO_SETTINGS_MODULE=variant.settings,
                DEBUG="false",
                WEB_THREADS=str(THREADS),
                **dict(variant.env),
            )
        )
        return Server(server, variant, platform.port, platform.process, stop=platform.stop)
    port = free_port()
    env = dict(
        os.environ, DJANGO_SETTINGS_MODULE=variant.settings, DEBUG="false", **dict(variant.env)
    )
    env.setdefault("OPENCHANCE_ENV", "local")
    process = subprocess.Popen(  # noqa: S603 - our own fixed command line
        server_command(server, variant, port), cwd=BASE_DIR, env=env, start_new_session=True
    )
    return Server(server, variant, port, process)


def server_wait(server: Server) -> None:
    deadline = time.monotonic() + 90
    probe = "/bare" if not server.variant.is_platform else "/livez"
    while True:
        try:
            httpx.get(f"http://127.0.0.1:{server.port}{probe}", timeout=2)
            return
        except httpx.TransportError:
            if server.process.poll() is not None or time.monotonic() > deadline:
                name = f"{server.name} for {server.variant.name}"
                raise RuntimeError(f"{name} did not start") from None
            time.sleep(0.3)


def _database_url() -> str:
    database = settings.DATABASES["default"]
    return f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"


def server_stop(server: Server) -> None:
    if server.stop is not None:
        return  # the ExitStack stops it
    if server.process.poll() is None:
        os.killpg(server.process.pid, 15)
        try:
            server.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.process.pid, 9)
            server.process.wait(timeout=5)


def process_tree(pid: int) -> list[int]:
    """``pid`` and its descendants (a server's master and its worker processes)."""
    pids, queue = [], [pid]
    while queue:
        current = queue.pop()
        pids.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                queue += [int(child) for child in (task / "children").read_text().split()]
            except OSError:
                pass
    return pids


def rss_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of the process tree of ``pid``, every thread counted."""
    ticks = 0
    for member in process_tree(pid):
        try:
            fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime (all threads of the process)
    return ticks / os.sysconf("SC_CLK_TCK")


def worker_rss_mib(pid: int) -> float:
    """RSS of the process that serves requests: the largest of the tree (the worker, not a
    master that only supervises it)."""
    return max(rss_mib(member) for member in process_tree(pid))


@dataclass
class Measurement:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    cpu_us_per_request: float = 0.0  # CPU time of the server's processes (all threads)


_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * _UNIT_MS[unit]


def wrk_run(
    url: str,
    *,
    seconds: float,
    connections: int,
    headers: dict[str, str],
    script: Path | None = None,
) -> Measurement:
    """One wrk run (one thread, ``connections`` keep-alive connections); ``script`` is a wrk Lua
    script (e.g. one that picks the request's headers)."""
    command = ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency"]
    if script is not None:
        command += ["-s", str(script)]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run(  # noqa: S603 - wrk with our own arguments
        [*command, url], capture_output=True, text=True, check=True, timeout=seconds + 30
    ).stdout
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if failed:
        raise RuntimeError(f"{failed.group(1)} answers were not 2xx from {url}:\n{output}")
    percentiles = dict(re.findall(r"^\s+(50|99)%\s+(\S+)$", output, re.MULTILINE))
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    return Measurement(
        requests_per_second=float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        p50_ms=_ms(percentiles["50"]),
        p99_ms=_ms(percentiles["99"]),
        requests=requests,
    )


def wrk_require() -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("bench/http.py needs wrk: `apt-get install -y wrk` (make bench does).")


def bench_tenant_create(run: str):
    """A tenant on an unlimited private plan with ROWS open challenges; (plan, provisioned)."""
    plan = unlimited_plan_create(run)
    provisioned = organisation_provision(
        slug=f"bench-http-{run}", name="Bench HTTP", plan_code=plan.code,
        owner_email=f"http-{run}@bench.test",
    )  # fmt: skip
    with tenant_context(provisioned.tenant):
        Challenge.objects.bulk_create(
            Challenge(
                title=f"Challenge {index}",
                summary="A benchmark challenge.",
                status="open",
                category="bounty",
                tags=["bench", f"t{index % 10}"],
                skills=["python"],
                reward_amount=100 * index,
                reward_currency="usd",
                metadata={"index": str(index)},
            )  # fmt: skip
            for index in range(ROWS)
        )
    connection.set_schema_to_public()
    return plan, provisioned


@dataclass
class Results:
    throughput: dict
    latency: dict
    counts: dict


def measure(servers: list[Server], *, host: str, key: str) -> Results:
    def headers(server: Server) -> dict[str, str]:
        if not server.variant.is_platform:
            return {}
        return {"Host": host, "Authorization": f"Bearer {key}"}

    throughput: dict[tuple[str, str], list[Measurement]] = {}
    latency: dict[tuple[str, str], list[Measurement]] = {}
    counts: dict[tuple[str, str], dict[str, int]] = {}
    for server in servers:  # warm-up: caches, connections, the Lua script, PostgreSQL buffers
        wrk_run(server.url, seconds=1, connections=CONNECTIONS, headers=headers(server))
    for _ in range(ROUNDS):
        for server in servers:
            slot = (server.name, server.variant.name)
            if server.variant.is_platform:
                server_stats(server.port, host, reset=True)
            cpu_before = cpu_seconds(server.process.pid)
            loaded = wrk_run(
                server.url, seconds=SECONDS, connections=CONNECTIONS, headers=headers(server)
            )
            cpu = cpu_seconds(server.process.pid) - cpu_before
            loaded.cpu_us_per_request = cpu / max(loaded.requests, 1) * 1e6
            throughput.setdefault(slot, []).append(loaded)
            if server.variant.is_platform:
                stats = server_stats(server.port, host)
                total = counts.setdefault(slot, dict.fromkeys(stats, 0))
                for name, value in stats.items():
                    total[name] += value
            latency.setdefault(slot, []).append(
                wrk_run(server.url, seconds=LATENCY_SECONDS, connections=1, headers=headers(server))
            )
    return Results(throughput, latency, counts)


def _summary(measurements: list[Measurement]) -> Measurement:
    return Measurement(
        requests_per_second=statistics.mean(m.requests_per_second for m in measurements),
        p50_ms=statistics.median(m.p50_ms for m in measurements),
        p99_ms=statistics.median(m.p99_ms for m in measurements),
        requests=sum(m.requests for m in measurements),
        cpu_us_per_request=statistics.mean(m.cpu_us_per_request for m in measurements),
    )


def report(results: Results, servers: list[Server], load: tuple[float, float]) -> None:
    print(
        f"http: {len(VARIANTS)} variants x {len(SERVERS)} servers, one server process each, "
        f"DEBUG off; wrk -t1 -c{CONNECTIONS}, {ROUNDS} x {SECONDS:g} s per variant, alternating "
        f"(latency: -c1, {ROUNDS} x {LATENCY_SECONDS:g} s); machine load {load[0]:.2f} -> "
        f"{load[1]:.2f} (1-min average) on {os.cpu_count()} cores"
    )
    rss = {(s.name, s.variant.name): worker_rss_mib(s.process.pid) for s in servers}
    for server_name in SERVERS:
        ceiling = CEILING_OF.get(server_name, server_name)
        against = "" if ceiling == server_name else f" (the bare view's figures: {ceiling}'s)"
        print(f"  {SERVER_LABELS[server_name]}{against}")
        bare = _summary(results.throughput[(ceiling, "bare")])
        bare_latency = _summary(results.latency[(ceiling, "bare")])
        for variant in VARIANTS:
            slot = (server_name, variant.name)
            if slot not in results.throughput:
                continue
            loaded, alone = _summary(results.throughput[slot]), _summary(results.latency[slot])
            line = (
                f"    {variant.label:<44} {loaded.requests_per_second:7.0f} req/s"
                f"  p50 {loaded.p50_ms:6.2f}  p99 {loaded.p99_ms:6.2f} ms"
                f"  CPU {loaded.cpu_us_per_request:4.0f} us/req"
                f" | 1 conn: {alone.requests_per_second:5.0f} req/s p50 {alone.p50_ms:5.2f}"
                f"  p99 {alone.p99_ms:5.2f} ms | RSS {rss[slot]:4.0f} MiB"
            )
            print(line)
            if variant.is_platform:
                ratio = loaded.requests_per_second / bare.requests_per_second
                count = results.counts[slot]
                requests = max(count["requests"], 1)
                if variant.goal is not None:
                    verdict = "met" if ratio >= variant.goal else "NOT met"
                    verdict = f"goal >= {variant.goal}: {verdict}"
                else:
                    verdict = variant.note
                print(
                    f"      ratio to the bare view {ratio:.2f} ({verdict})"
                    f"   added p99 (1 conn) {alone.p99_ms - bare_latency.p99_ms:+.2f} ms"
                    f"   SQL/request {count['sql'] / requests:.4f}"
                    f" ({count['requests_with_sql']} of {count['requests']} requests ran any)"
                    f"   Redis round trips/request {count['redis'] / requests:.2f}"
                )
        me_latency = _summary(results.latency[(server_name, "me")])
        added = me_latency.p99_ms - bare_latency.p99_ms
        print(
            f"    /v1/me adds {added:+.2f} ms at p99 over the bare view, one request in flight "
            f"(goal <= 2 ms: {'met' if added <= 2 else 'NOT met'})"
        )


def main() -> None:
    wrk_require()
    run = uuid.uuid4().hex[:6]
    plan, provisioned = bench_tenant_create(run)
    host, key = provisioned.domains[0], provisioned.live_key
    servers: list[Server] = []
    try:
        with ExitStack() as stack:
            try:
                for server_name in SERVERS:
                    for variant in VARIANTS:
                        if variant.is_platform or server_name not in CEILING_OF:
                            servers.append(server_start(server_name, variant, stack))
                for server in servers:
                    server_wait(server)
                load_before = os.getloadavg()[0]
                results = measure(servers, host=host, key=key)
                load_after = os.getloadavg()[0]
                report(results, servers, (load_before, load_after))
            finally:
                for server in servers:
                    server_stop(server)
    finally:
        tenant_delete(tenant=provisioned.tenant)
        plan.delete()


if __name__ == "__main__":
    main()
