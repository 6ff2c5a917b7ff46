"""``GET /v1/usage`` (a month by day, route and key) as the usage ledger grows 10x, and what the
spend-cap check costs a warm call.

1. Ledger growth. A throwaway organisation (a live ``Tenant`` row and a live key; no schemas:
   the route reads the public schema only) gets ``BENCH_USAGE_ROWS`` ledger rows this month
   (per-minute rows over two keys and twenty routes, live and sandbox), and the rest of the
   ledger as many rows again for ``BENCH_USAGE_OTHERS`` filler organisations and the
   organisation's earlier months. ``GET /v1/usage`` is timed ``BENCH_USAGE_CALLS`` times
   (in-process, Django's test client through the full middleware stack and the gateway, on the
   shared API host); then the rest of the ledger grows tenfold (other organisations and earlier
   months, rows inserted directly with ``generate_series``) and the same call is timed again.
   The organisation's month is what the call reads (the ledger's ``(tenant, minute)`` index), so
   its p99 should stay flat: printed as a ratio, never asserted.
2. The spend cap check. Warm ``GET /v1/me`` of the same plan with and without a spend cap (an
   organisation each, the cap far away), alternating, timed and counted in SQL queries: the cap
   rides on the limit script's arguments, so the ratio should be ~1.0 and the queries 0.

Everything created is deleted at the end. Runs in about two minutes.
"""

import sys
from pathlib import Path

_HERE = Path(__file__).resolve().parent
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != _HERE]
BASE_DIR = _HERE.parent
sys.path.insert(0, str(BASE_DIR))

import os  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openchance.settings")

import re  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from datetime import datetime, timedelta  # noqa: E402
from decimal import Decimal  # noqa: E402

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from apikeys.services import api_key_create  # noqa: E402
from billing.models import Plan, Subscription  # noqa: E402
from billing.selectors import call_limits_of, period_bounds  # noqa: E402
from core.invalidation import caches_invalidate  # noqa: E402
from metering.models import UsageMinute  # noqa: E402
from tenants.models import Tenant  # noqa: E402

ROWS = int(os.environ.get("BENCH_USAGE_ROWS", "20000"))
OTHERS = int(os.environ.get("BENCH_USAGE_OTHERS", "20"))
CALLS = int(os.environ.get("BENCH_USAGE_CALLS", "80"))
GROWTH = 10
EXPLAIN = os.environ.get("BENCH_USAGE_EXPLAIN") == "1"  # print the query plan at both sizes
ME_ROUNDS, ME_CALLS = 3, 200

# One INSERT per batch of rows: minute i of the range, spread over 20 routes, 2 keys and the
# two modes; unique per (tenant, key, mode, minute, method, route, status, is_billable).
_INSERT = """
INSERT INTO billing_usageminute
    (tenant_id, api_key_id, mode, minute, method, route, status, is_billable, calls,
     duration_ms_total, duration_ms_max, request_bytes, response_bytes)
SELECT %(tenant)s, 'key_bench_' || (i %% 2), CASE WHEN i %% 5 = 0 THEN 'test' ELSE 'live' END,
       %(start)s::timestamptz + make_interval(mins => (i / 20) * %(step)s), 'GET',
       '/v1/bench/route_' || (i %% 20), 200, i %% 5 <> 0, 1 + i %% 7, 12.5, 30.0, 0, 512
FROM generate_series(0, %(rows)s - 1) AS i
ON CONFLICT DO NOTHING
"""


def ledger_add(tenant_id: int, start: datetime, rows: int) -> None:
    """``rows`` ledger rows of one organisation, spread evenly over the month from ``start``."""
    step = max(1, 28 * 24 * 60 * 20 // max(rows, 1))  # minutes between rows of the same route
    with connection.cursor() as cursor:
        cursor.execute(_INSERT, {"tenant": tenant_id, "start": start, "rows": rows, "step": step})


def analyze() -> None:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE billing_usageminute")  # UsageMinute's table


def plan_explained(organisation_id: int, start: datetime) -> str:
    from metering.selectors import _USAGE_REPORT_SQL

    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN (ANALYZE, BUFFERS) " + _USAGE_REPORT_SQL,
            [organisation_id, start, period_bounds(start)[1], ["live", "test"]],
        )
        return "\n".join(row[0] for row in cursor.fetchall())


def pages_read(plan: str) -> int:
    """Buffers the query touched (hit + read), from its plan's first ``Buffers:`` line."""
    line = next((line for line in plan.splitlines() if "Buffers:" in line), "")
    return sum(int(number) for number in re.findall(r"(?:hit|read)=(\d+)", line))


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def timed_calls(client: Client, path: str, count: int) -> tuple[list[float], int]:
    """Latencies (ms) of ``count`` calls and the SQL queries they ran (``SET`` excluded)."""
    latencies, queries = [], 0
    for _ in range(count):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(path)
            latencies.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{path}: {response.status_code} {response.content[:300]!r}")
        queries += sum(1 for q in captured.captured_queries if not q["sql"].startswith("SET "))
    return latencies, queries


def months_before(start: datetime, count: int) -> list[datetime]:
    months = []
    for _ in range(count):
        start, _ = period_bounds(start - timedelta(days=1))
        months.append(start)
    return months


def main() -> None:
    run = uuid.uuid4().hex[:6]
    plan = Plan.objects.create(
        code=f"bench-usage-{run}",
        name="Bench",
        rate_per_second=10**9,
        burst=10**9,
        included_calls=10**9,
        overage_unit_price=Decimal("0.1"),
        is_public=False,
    )
    tenants = Tenant.objects.bulk_create(
        Tenant(slug=f"bu-{run}-{index}", name=f"Bench usage {index}",
               schema_name=f"bu_{run}_{index}", plan=plan, mode=Tenant.Mode.LIVE)
        for index in range(OTHERS + 2)
    )  # fmt: skip
    organisation, capped, others = tenants[0], tenants[1], tenants[2:]
    api_host = f"api.{settings.BASE_DOMAIN}"
    try:
        key = api_key_create(tenant=organisation, name="bench").secret
        client = Client(HTTP_HOST=api_host, HTTP_AUTHORIZATION=f"Bearer {key}")
        start, _ = period_bounds()
        history = list(months_before(start, 24))

        # --- 1. the ledger grows, the organisation's month stays
        started = time.perf_counter()
        ledger_add(organisation.pk, start, ROWS)
        per_other = max(1, ROWS // max(OTHERS, 1))
        for other in others:
            ledger_add(other.pk, start, per_other)
        analyze()
        base_rows = UsageMinute.objects.count()
        client.get("/v1/usage")  # the key verified, the plans cached
        before, before_queries = timed_calls(client, "/v1/usage", CALLS)
        before_plan = plan_explained(organisation.pk, start)
        extra = base_rows * (GROWTH - 1)
        # The rest of the ledger grows: the organisation's earlier months and the others'.
        shares = [(organisation.pk, month) for month in history[:12]]
        shares += [(other.pk, month) for other in others for month in history[:3]]
        for tenant_id, month in shares:
            ledger_add(tenant_id, month, max(1, extra // len(shares)))
        analyze()
        grown_rows = UsageMinute.objects.count()
        after, after_queries = timed_calls(client, "/v1/usage", CALLS)
        after_plan = plan_explained(organisation.pk, start)
        filled = time.perf_counter() - started
        body = client.get("/v1/usage").json()

        # --- 2. the spend cap check on a warm call
        capped_key = api_key_create(tenant=capped, name="bench capped").secret
        Subscription.objects.create(
            organisation=capped,
            current_period_start=start,
            current_period_end=period_bounds(start)[1],
            spend_cap_amount=10**9,
        )
        caches_invalidate("plan")
        me_plain = Client(HTTP_HOST=api_host, HTTP_AUTHORIZATION=f"Bearer {key}")
        me_capped = Client(HTTP_HOST=api_host, HTTP_AUTHORIZATION=f"Bearer {capped_key}")
        for warm in (me_plain, me_capped):
            warm.get("/v1/me")
        plain, capped_ms, plain_q, capped_q = [], [], 0, 0
        for _ in range(ME_ROUNDS):
            latencies, queries = timed_calls(me_plain, "/v1/me", ME_CALLS)
            plain += latencies
            plain_q += queries
            latencies, queries = timed_calls(me_capped, "/v1/me", ME_CALLS)
            capped_ms += latencies
            capped_q += queries
        cap_calls = call_limits_of(capped).spend_cap_calls
    finally:
        UsageMinute.objects.filter(tenant__in=tenants).delete()
        Tenant.objects.filter(slug__startswith=f"bu-{run}-").delete()
        plan.delete()

    p99_before, p99_after = percentile(before, 0.99), percentile(after, 0.99)
    print(f"GET /v1/usage (a month: {len(body['by_day'])} days, {len(body['by_route'])} routes, "
          f"{len(body['by_key'])} keys; {body['totals']['calls']:,} calls in {ROWS:,} ledger rows "
          f"of the organisation's month), {CALLS} calls per size, in-process:")  # fmt: skip
    print(
        f"  ledger {base_rows:>10,} rows: p50 {statistics.median(before):6.2f} ms, "
        f"p99 {p99_before:6.2f} ms, SQL/call {before_queries / CALLS:.1f}"
    )
    print(
        f"  ledger {grown_rows:>10,} rows: p50 {statistics.median(after):6.2f} ms, "
        f"p99 {p99_after:6.2f} ms, SQL/call {after_queries / CALLS:.1f}"
    )
    if EXPLAIN:
        print(before_plan, after_plan, sep="\n")
    print(
        f"  pages the report's scan touches: {pages_read(before_plan)} at {base_rows:,} rows, "
        f"{pages_read(after_plan)} at {grown_rows:,} (the cost that load does not blur)"
    )
    print(
        f"  ledger x{grown_rows / base_rows:.1f}: p99 ratio {p99_after / p99_before:.2f}, "
        f"p50 ratio {statistics.median(after) / statistics.median(before):.2f} "
        f"(goal: flat, ~1.0; setup {filled:.0f} s)"
    )
    print(
        f"GET /v1/me warm, {ME_ROUNDS} x {ME_CALLS} calls alternating, in-process "
        f"(the capped organisation's cap: {cap_calls:,} calls):"
    )
    print(
        f"  without a spend cap: p50 {statistics.median(plain):.3f} ms, "
        f"p99 {percentile(plain, 0.99):.3f} ms, SQL/call {plain_q / len(plain):.2f}"
    )
    print(
        f"  with a spend cap:    p50 {statistics.median(capped_ms):.3f} ms, "
        f"p99 {percentile(capped_ms, 0.99):.3f} ms, SQL/call {capped_q / len(capped_ms):.2f}"
    )
    print(f"  ratio with/without: p50 {statistics.median(capped_ms) / statistics.median(plain):.2f}"
          f" (goal ~1.0: the cap is one more argument of the limit script)")  # fmt: skip


if __name__ == "__main__":
    main()
