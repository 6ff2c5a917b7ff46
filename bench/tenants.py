"""Cost at scale: ``GET /v1/me`` with the keys of ``BENCH_TENANTS`` (2,000) tenants in rotation,
against the same call with one tenant's key, and the memory of a web process holding them all.

Two server processes of the same kind (``BENCH_SERVER``, default granian as ``make run`` runs
it; see ``bench/http.py``), both on the shared API host (``api.BASE_DOMAIN``, where the key alone
picks the tenant): one gets one tenant's key on every request, the other a different tenant's
key on every request, round-robin over all of them (a wrk Lua script builds each request; the
one-key run goes through the same script). Measured alternately, ``BENCH_ROUNDS`` x
``BENCH_SECONDS``, after a warm-up that has every key verified once (the key cache is cold at
start: that first lookup per key is the cost at scale that does not recur while the process keeps
confirming the invalidation generation, see ``core.cache``).

Tenants: one provisioned normally (schemas, domain, owner; its host also serves the counters at
/bench/stats), the others created in bulk as what the measured path reads — a live ``Tenant``
row each, with a schema name of its own, on the bench plan, and one live key each, issued by
``api_key_create``. Their schemas are not created: a warm /v1/me runs no SQL at all, and the
cold key lookup reads the public schema only (the counters count every query run in a tenant
schema during the run; the bench fails if there is one). Cloning 2,000 schemas pairs (≈ 0.25 s
each) would take half an hour and add 2,000 x 2 x ~60 relations to the shared catalog for
nothing this path touches; routes that read a tenant's schema pay ``SET search_path`` per
request whichever tenant it is, which bench/http.py measures on one.

Printed: req/s and p50/p99 of both, their ratio (goal >= 0.95), SQL per request during the
measured rounds, the cold lookups the warm-up took (and their cost), the RSS of each server's
worker and the difference per cached key, and the bound the key cache's LRU puts on it.
Everything created is deleted at the end.
"""

import sys
from pathlib import Path

_HERE = Path(__file__).resolve().parent
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != _HERE]
BASE_DIR = _HERE.parent
sys.path.insert(0, str(BASE_DIR))

import os  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openchance.settings")

import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from contextlib import ExitStack  # noqa: E402

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

from api.gateway.keys import KEY_CACHE_MAX_ENTRIES  # noqa: E402
from apikeys.services import api_key_create  # noqa: E402
from bench.gateway import server_stats, unlimited_plan_create  # noqa: E402
from bench.http import (  # noqa: E402
    PLATFORM_SETTINGS,
    Measurement,
    Variant,
    server_start,
    server_stop,
    server_wait,
    worker_rss_mib,
    wrk_require,
    wrk_run,
)
from organisations.services import organisation_provision  # noqa: E402
from tenants.models import Tenant  # noqa: E402
from tenants.services import tenant_delete  # noqa: E402

TENANTS = int(os.environ.get("BENCH_TENANTS", "2000"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "5"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "4"))
SERVER = os.environ.get("BENCH_SERVER", "granian")
GOAL = 0.95

ME = Variant(
    "me",
    "GET /v1/me on the shared API host",
    PLATFORM_SETTINGS,
    "openchance.wsgi:application",
    "openchance.asgi:application",
    "/v1/me",
    is_platform=True,
)

# Each request takes the next key of the file (one per line), round-robin.
_ROTATION_LUA = """
local keys = {}
for line in io.lines("%(keys)s") do keys[#keys + 1] = line end
local next_key = 0
request = function()
  next_key = next_key %% #keys + 1
  return wrk.format("GET", "/v1/me", {["Host"] = "%(host)s",
                                      ["Authorization"] = "Bearer " .. keys[next_key]})
end
"""


def tenants_create(run: str, plan, count: int) -> list[str]:
    """``count`` live tenants on ``plan`` with a live key each, in bulk; their keys."""
    tenants = Tenant.objects.bulk_create(
        Tenant(
            slug=f"bt-{run}-{index}",
            name=f"Bench tenant {index}",
            schema_name=f"bt_{run}_{index}",
            plan=plan,
            mode=Tenant.Mode.LIVE,
        )  # fmt: skip
        for index in range(count)
    )
    return [api_key_create(tenant=tenant, name="bench").secret for tenant in tenants]


def rotation_script(directory: Path, name: str, keys: list[str], host: str) -> Path:
    keys_file = directory / f"{name}.keys"
    keys_file.write_text("\n".join(keys) + "\n")
    script = directory / f"{name}.lua"
    script.write_text(_ROTATION_LUA % {"keys": keys_file, "host": host})
    return script


def main() -> None:
    wrk_require()
    run = uuid.uuid4().hex[:6]
    api_host = f"api.{settings.BASE_DOMAIN}"
    plan = unlimited_plan_create(run)
    provisioned = organisation_provision(
        slug=f"bench-tn-{run}", name="Bench tenants", plan_code=plan.code,
        owner_email=f"tn-{run}@bench.test",
    )  # fmt: skip
    stats_host = provisioned.domains[0]
    started = time.perf_counter()
    try:
        keys = tenants_create(run, plan, TENANTS - 1) + [provisioned.live_key]
        created_seconds = time.perf_counter() - started
        with ExitStack() as stack, tempfile.TemporaryDirectory(prefix="bench-tenants-") as tmp:
            directory = Path(tmp)
            scripts = {
                "one": rotation_script(directory, "one", [provisioned.live_key], api_host),
                "many": rotation_script(directory, "many", keys, api_host),
            }
            servers = {name: server_start(SERVER, ME, stack) for name in scripts}
            try:
                for server in servers.values():
                    server_wait(server)
                measured = _measure(servers, scripts, stats_host)
            finally:
                for server in servers.values():
                    server_stop(server)
    finally:
        Tenant.objects.filter(slug__startswith=f"bt-{run}-").delete()
        tenant_delete(tenant=provisioned.tenant)
        plan.delete()
    _report(measured, created_seconds)


def _measure(servers, scripts, stats_host) -> dict:
    def run(name: str, seconds: float) -> Measurement:
        url = f"http://127.0.0.1:{servers[name].port}/v1/me"
        return wrk_run(url, seconds=seconds, connections=CONNECTIONS, headers={},
                       script=scripts[name])  # fmt: skip

    rss_cold = {name: worker_rss_mib(server.process.pid) for name, server in servers.items()}
    # Warm-up: every key verified once — until a run as long as a measured one (each run starts
    # the rotation at its first key) runs no SQL.
    warmup = {}
    for name in servers:
        server_stats(servers[name].port, stats_host, reset=True)
        started = time.perf_counter()
        for _ in range(10):
            run(name, SECONDS)
            stats = server_stats(servers[name].port, stats_host)
            server_stats(servers[name].port, stats_host, reset=True)
            warmup.setdefault(name, []).append(stats)
            if stats["sql"] == 0:
                break
        warmup[name] = (time.perf_counter() - started, warmup[name])
    load_before = os.getloadavg()[0]
    results = {name: [] for name in servers}
    counts = {name: None for name in servers}
    for _ in range(ROUNDS):
        for name, server in servers.items():
            server_stats(server.port, stats_host, reset=True)
            results[name].append(run(name, SECONDS))
            stats = server_stats(server.port, stats_host)
            total = counts[name] or dict.fromkeys(stats, 0)
            counts[name] = {key: total[key] + stats[key] for key in stats}
    load_after = os.getloadavg()[0]
    rss = {name: worker_rss_mib(server.process.pid) for name, server in servers.items()}
    return {
        "results": results, "counts": counts, "warmup": warmup, "rss": rss,
        "rss_cold": rss_cold, "load": (load_before, load_after),
    }  # fmt: skip


def _report(measured: dict, created_seconds: float) -> None:
    results, counts, warmup = measured["results"], measured["counts"], measured["warmup"]
    rps = {
        name: statistics.mean(m.requests_per_second for m in runs) for name, runs in results.items()
    }
    p50 = {name: statistics.median(m.p50_ms for m in runs) for name, runs in results.items()}
    p99 = {name: statistics.median(m.p99_ms for m in runs) for name, runs in results.items()}
    load = measured["load"]
    print(
        f"tenants: GET /v1/me on the shared API host, {SERVER} (1 worker), wrk -t1 -c{CONNECTIONS},"
        f" {ROUNDS} x {SECONDS:g} s per variant, alternating; machine load {load[0]:.2f} -> "
        f"{load[1]:.2f} (1-min average) on {os.cpu_count()} cores; {TENANTS:,} tenants and keys "
        f"created in {created_seconds:.0f} s"
    )
    labels = {"one": "one tenant's key", "many": f"{TENANTS:,} tenants' keys, round-robin"}
    for name in ("one", "many"):
        count = counts[name]
        requests = max(count["requests"], 1)
        print(
            f"  {labels[name]:<36} {rps[name]:7.0f} req/s   p50 {p50[name]:6.2f}  "
            f"p99 {p99[name]:6.2f} ms   SQL/request {count['sql'] / requests:.4f} "
            f"({count['requests_with_sql']} of {count['requests']} ran any; "
            f"{count['sql_in_tenant_schemas']} in a tenant schema)"
        )
    ratio = rps["many"] / rps["one"]
    print(f"  ratio {TENANTS:,} tenants / one tenant: {ratio:.3f}   "
          f"goal >= {GOAL}: {'met' if ratio >= GOAL else 'NOT met'}")  # fmt: skip
    seconds, rounds = warmup["many"]
    lookups = sum(stats["requests_with_sql"] for stats in rounds)
    queries = sum(stats["sql"] for stats in rounds)
    print(
        f"  warm-up of the {TENANTS:,} keys: {lookups:,} cold lookups ({queries:,} queries) in "
        f"{seconds:.1f} s of load; each recurs once per API_KEY_CACHE_CONFIRMED_SECONDS at most "
        "while calls confirm the invalidation generation"
    )
    rss, cold = measured["rss"], measured["rss_cold"]
    per_key_kib = (rss["many"] - rss["one"]) * 1024 / max(TENANTS - 1, 1)
    print(
        f"  worker RSS: one tenant {rss['one']:.0f} MiB, {TENANTS:,} tenants {rss['many']:.0f} MiB "
        f"(at start {cold['one']:.0f} / {cold['many']:.0f} MiB): {per_key_kib:.1f} KiB per "
        f"cached key; the key cache holds at most {KEY_CACHE_MAX_ENTRIES:,} (LRU), i.e. about "
        f"{per_key_kib * KEY_CACHE_MAX_ENTRIES / 1024:.0f} MiB at most"
    )
    if any(count["sql_in_tenant_schemas"] for count in counts.values()):
        raise SystemExit("a query ran in a tenant schema: the bulk tenants' missing schemas count")


if __name__ == "__main__":
    main()
