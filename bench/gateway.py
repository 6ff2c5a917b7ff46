"""Gateway benchmark: GET /v1/me with the full gateway layer vs. the same view with it switched off.

One uvicorn server (1 worker: the other core drives the load) runs the platform with a bench
URLconf (``bench/gateway_app``) that adds /bench/me-ungated — MeView whose key context and limit
result are computed once, so nothing is verified, limited or metered per request — and counters of
SQL queries and Redis round trips. A small asyncio HTTP/1.1 client keeps CONCURRENCY keep-alive
connections busy against each variant in turn (alternating, ROUNDS rounds of SECONDS each, after a
warm-up), and prints requests/s of each, their ratio, the p50/p99 latency the layer adds, and SQL
queries and Redis round trips per request. Goals: ratio >= 0.85; 0 SQL queries per warm request.

It provisions a tenant on a private plan with limits far above what the machine can serve (so the
limiter runs its full path but never refuses), and deletes it afterwards.
"""

import asyncio
import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

# Run as a script, bench/ leads sys.path, and bench/http.py would stand in for the standard
# library's http package (Django imports http.cookies, this script http.server).
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openchance.settings")

import django  # noqa: E402

django.setup()

import httpx  # noqa: E402
from django.conf import settings  # noqa: E402

from api.testing import free_port  # noqa: E402
from billing.models import Plan  # noqa: E402
from organisations.services import organisation_provision  # noqa: E402
from tenants.services import tenant_delete  # noqa: E402

CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "4"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "5"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
GATED, UNGATED = "/v1/me", "/bench/me-ungated"


async def _connection_run(port, request_bytes, deadline, latencies) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            writer.write(request_bytes)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            await reader.readexactly(length)
            if status != 200:
                raise RuntimeError(f"unexpected status {status}: {head!r}")
            latencies.append(time.perf_counter() - started)
    finally:
        writer.close()


async def _load(port: int, path: str, host: str, key: str, seconds: float) -> list[float]:
    request_bytes = (
        f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {key}\r\n\r\n"
    ).encode()
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds
    await asyncio.gather(
        *(_connection_run(port, request_bytes, deadline, latencies) for _ in range(CONCURRENCY))
    )
    return latencies


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def _server_start(port: int) -> subprocess.Popen:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="bench.gateway_app.settings", DEBUG="false")
    env.setdefault("OPENCHANCE_ENV", "local")
    process = subprocess.Popen(
        [
            sys.executable, "-m", "uvicorn", "openchance.asgi:application", "--host", "127.0.0.1",
            "--port", str(port), "--workers", "1", "--no-access-log", "--log-level", "warning",
        ],
        cwd=BASE_DIR,
        env=env,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(f"http://127.0.0.1:{port}/livez", timeout=2)
            return process
        except httpx.TransportError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the bench server did not start") from None
            time.sleep(0.2)


def server_stats(port: int, host: str, reset: bool = False) -> dict:
    """The bench server's counters (``bench.gateway_app.counters``), optionally reset."""
    path = "/bench/stats/reset" if reset else "/bench/stats"
    return httpx.get(f"http://127.0.0.1:{port}{path}", headers={"Host": host}).json()


def unlimited_plan_create(run: str) -> Plan:
    """A private plan whose limits are far above what the machine serves: the limiter runs its
    full path and never refuses."""
    return Plan.objects.create(
        code=f"bench-{run}", name="Bench", rate_per_second=10**9, burst=10**9, is_public=False
    )


def main() -> None:
    run = uuid.uuid4().hex[:6]
    plan = unlimited_plan_create(run)
    provisioned = organisation_provision(
        slug=f"bench-gw-{run}",
        name="Bench",
        plan_code=plan.code,
        owner_email=f"gw-{run}@bench.test",
    )
    host, key = provisioned.domains[0], provisioned.live_key
    load_before = os.getloadavg()[0]
    port = free_port()
    server = _server_start(port)
    try:
        results: dict[str, list[float]] = {GATED: [], UNGATED: []}
        throughput: dict[str, list[float]] = {GATED: [], UNGATED: []}
        counts = {path: dict.fromkeys(("requests", "sql", "requests_with_sql", "redis"), 0)
                  for path in (GATED, UNGATED)}  # fmt: skip
        for path in (UNGATED, GATED):  # warm-up: caches, connections, the Lua script
            asyncio.run(_load(port, path, host, key, 1.5))
        for _ in range(ROUNDS):
            for path in (UNGATED, GATED):
                server_stats(port, host, reset=True)
                latencies = asyncio.run(_load(port, path, host, key, SECONDS))
                stats = server_stats(port, host)
                results[path] += latencies
                throughput[path].append(len(latencies) / SECONDS)
                for name in ("requests", "sql", "requests_with_sql", "redis"):
                    counts[path][name] += stats[name]
    finally:
        server.terminate()
        server.wait(timeout=20)
        tenant_delete(tenant=provisioned.tenant)
        plan.delete()

    load_after = os.getloadavg()[0]
    rps = {path: statistics.mean(values) for path, values in throughput.items()}
    p50 = {path: percentile(values, 0.50) * 1000 for path, values in results.items()}
    p99 = {path: percentile(values, 0.99) * 1000 for path, values in results.items()}
    ratio = rps[GATED] / rps[UNGATED]
    per_request = {
        path: {name: c[name] / max(c["requests"], 1) for name in ("sql", "redis")}
        for path, c in counts.items()
    }
    print(
        f"gateway: GET /v1/me on uvicorn (1 worker, DEBUG off), {CONCURRENCY} keep-alive "
        f"connections, {ROUNDS} x {SECONDS:g} s per variant, alternating; machine load "
        f"{load_before:.1f} -> {load_after:.1f} on {os.cpu_count()} cores"
    )
    for label, path in (("layer off", UNGATED), ("layer on ", GATED)):
        print(
            f"  {label}  {rps[path]:8.0f} req/s   p50 {p50[path]:6.2f} ms   p99 {p99[path]:6.2f} ms"
            f"   SQL/request {per_request[path]['sql']:.4f}"
            f"   Redis round trips/request {per_request[path]['redis']:.3f}"
        )
    print(f"  ratio on/off {ratio:.3f}   goal >= 0.85: {'met' if ratio >= 0.85 else 'NOT met'}")
    print(
        f"  added latency: p50 {p50[GATED] - p50[UNGATED]:+.2f} ms, "
        f"p99 {p99[GATED] - p99[UNGATED]:+.2f} ms"
    )
    gated = counts[GATED]
    # Warm requests run no SQL; the only queries are the per-process refreshes of the host and
    # key caches (API_KEY_CACHE_SECONDS), a handful per 5 s whatever the traffic.
    refreshes_allowed = 2 * ROUNDS * (int(SECONDS // settings.API_KEY_CACHE_SECONDS) + 1)
    print(
        f"  requests that ran any SQL: {gated['requests_with_sql']} of {gated['requests']} "
        f"(cache refreshes every {settings.API_KEY_CACHE_SECONDS:g} s); "
        "goal 0 SQL per warm request: "
        f"{'met' if gated['requests_with_sql'] <= refreshes_allowed else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
