"""REST API benchmark: list and search over 1,000,000 challenges in one tenant.

Provisions a throwaway tenant, bulk-loads ``BENCH_ROWS`` (default 1,000,000) challenges with one
``INSERT … SELECT generate_series`` (the search document is PostgreSQL's generated column; the
indexes are built after the load, as one would for any bulk load), then calls the API in-process
through the full stack (middleware, gateway: key, limits, metering) with a live key:

- ``GET /v1/challenges?limit=100``: the first page and the 10,000th page (reached with the
  cursor the 9,999th page returns, i.e. the last rows of the million) — median of the runs and
  their ratio; goal ≤ 1.5 (keyset pagination: both are one index descent);
- ``GET /v1/challenges?search=…&limit=10`` over a mix of one-word, two-word and phrase queries:
  p50 and p99.

The tenant (both schemas) is deleted at the end, also when something fails.
"""

import os
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

# Run as a script, bench/ leads sys.path, and bench/http.py would stand in for the standard
# library's http package (Django imports http.cookies, this script http.server).
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openchance.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django_tenants.utils import tenant_context  # noqa: E402

from api.gateway import rate_limit_reset  # noqa: E402
from api.v1.challenges import CHALLENGE_ORDERINGS  # noqa: E402
from api.v1.pagination import cursor_encode  # noqa: E402
from apikeys.services import api_key_create  # noqa: E402
from core.testing import host_of  # noqa: E402
from marketplace.models import Challenge  # noqa: E402
from organisations.services import organisation_provision  # noqa: E402
from tenants.services import tenant_delete  # noqa: E402

ROWS = int(os.environ.get("BENCH_ROWS", "1000000"))
PAGE_SIZE = 100
DEEP_PAGE = int(os.environ.get("BENCH_DEEP_PAGE", "10000"))
LIST_RUNS = int(os.environ.get("BENCH_LIST_RUNS", "30"))
SEARCH_RUNS = int(os.environ.get("BENCH_SEARCH_RUNS", "300"))
GOAL_RATIO = 1.5

SYLLABLES = "ka lo mi tra ven sol du ri pa nex or bel fi gor ul zan ta me cor vin".split()


def vocabulary(size: int = 2000) -> list[str]:
    """Pronounceable made-up words: each appears in a small share of a million rows."""
    rng = random.Random(7)
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


# Indexes that slow a bulk load down row by row; rebuilt in one pass after it.
DEFERRED_INDEXES = (
    "challenge_search_gin",
    "challenge_tags_gin",
    "challenge_skills_gin",
    "challenge_metadata_gin",
    "challenge_status_id",
    "challenge_deadline_id",
    "challenge_reward_id",
    "challenge_updated_id",
)


def bulk_load(words: list[str]) -> float:
    """Insert ROWS challenges in the current schema; returns the seconds it took."""
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()"
            " AND indexname = ANY(%s)",
            [list(DEFERRED_INDEXES)],
        )
        definitions = cursor.fetchall()
        for name, _ in definitions:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("SET maintenance_work_mem = '256MB'")
        cursor.execute("SET synchronous_commit = off")
        # Ids: "chl_" + 26 characters that sort like ULIDs (by row number, oldest first).
        cursor.execute(
            """
            WITH vocabulary AS (SELECT %(words)s::text[] AS w, cardinality(%(words)s::text[]) AS n)
            INSERT INTO marketplace_challenge (
                id, title, summary, description, category, tags, skills, reward_amount,
                reward_currency, deadline, location, is_remote, max_applications, status,
                metadata, application_count, created_at, updated_at, published_at
            )
            SELECT
                'chl_00' || lpad(i::text, 24, '0'),
                initcap(w[1 + (i * 7) %% n]) || ' ' || w[1 + (i * 13) %% n] || ' '
                    || w[1 + (i * 31) %% n],
                'Summary: ' || w[1 + (i * 17) %% n] || ' ' || w[1 + (i * 19) %% n],
                w[1 + (i * 23) %% n] || ' ' || w[1 + (i * 29) %% n] || ' '
                    || w[1 + (i * 37) %% n] || ' ' || w[1 + (i * 41) %% n],
                (ARRAY['bounty', 'hackathon', 'gig', 'grant', 'other'])[1 + i %% 5],
                jsonb_build_array(w[1 + (i * 43) %% n], w[1 + (i * 47) %% n]),
                jsonb_build_array(w[1 + (i * 53) %% n]),
                CASE WHEN i %% 10 = 0 THEN NULL ELSE (i %% 1000) * 100 END,
                CASE WHEN i %% 10 = 0 THEN '' ELSE 'usd' END,
                now() + make_interval(days => 1 + i %% 365),
                '',
                i %% 2 = 0,
                NULL,
                'open',
                jsonb_build_object('batch', (i %% 100)::text),
                0,
                now() - make_interval(secs => %(rows)s - i),
                now() - make_interval(secs => %(rows)s - i),
                now() - make_interval(secs => %(rows)s - i)
            FROM vocabulary, generate_series(1, %(rows)s) AS i
            """,
            {"words": words, "rows": ROWS},
        )
        for _, definition in definitions:
            cursor.execute(definition)
        cursor.execute("ANALYZE marketplace_challenge")
    return time.perf_counter() - started


def timed_get(client: Client, organisation_id: int, path: str, params: dict) -> float:
    rate_limit_reset(organisation_id=organisation_id)  # measure the API, not the plan's limits
    started = time.perf_counter()
    response = client.get(path, params)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, response.content[:500]
    return elapsed


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def main() -> None:
    run = uuid.uuid4().hex[:6]
    connection.set_schema_to_public()
    tenant = organisation_provision(
        issue_keys=False,
        slug=f"bench-api-{run}",
        name="Bench API",
        plan_code="enterprise",
        owner_email=f"owner-{run}@bench.example.com",
    ).tenant
    try:
        key = api_key_create(tenant=tenant, name="bench", mode="live").secret
        client = Client(HTTP_HOST=host_of(tenant), HTTP_AUTHORIZATION=f"Bearer {key}")
        words = vocabulary()
        with tenant_context(tenant):
            load_seconds = bulk_load(words)
            # The cursor page 9,999 hands out (computed directly, not by walking 9,999 pages).
            ordering = CHALLENGE_ORDERINGS["-created_at"]
            offset = (DEEP_PAGE - 1) * PAGE_SIZE - 1
            last_of_previous = Challenge.objects.order_by("-id").only("id")[offset]
            deep_cursor = cursor_encode(ordering, last_of_previous)
        connection.set_schema_to_public()
        print(f"api: {ROWS:,} challenges in one tenant (loaded + indexed in {load_seconds:.0f} s)")

        path = "/v1/challenges"
        for _ in range(3):  # warm up: key cache, plan cache, PostgreSQL buffers
            timed_get(client, tenant.pk, path, {"limit": PAGE_SIZE})
            timed_get(client, tenant.pk, path, {"limit": PAGE_SIZE, "cursor": deep_cursor})
        first, deep = [], []
        for _ in range(LIST_RUNS):
            first.append(timed_get(client, tenant.pk, path, {"limit": PAGE_SIZE}))
            deep.append(
                timed_get(client, tenant.pk, path, {"limit": PAGE_SIZE, "cursor": deep_cursor})
            )
        deep_body = client.get(path, {"limit": PAGE_SIZE, "cursor": deep_cursor}).json()
        assert deep_body["has_more"] is (DEEP_PAGE * PAGE_SIZE < ROWS)
        first_median, deep_median = statistics.median(first), statistics.median(deep)
        ratio = deep_median / first_median
        print(f"  list, {PAGE_SIZE} per page (median of {LIST_RUNS}, through the full stack)")
        print(f"    page 1          {first_median * 1000:8.1f} ms")
        print(f"    page {DEEP_PAGE:<10,} {deep_median * 1000:8.1f} ms")
        goal = f"goal ≤ {GOAL_RATIO}: {'met' if ratio <= GOAL_RATIO else 'NOT met'}"
        print(f"    ratio page {DEEP_PAGE:,} / page 1: {ratio:.2f} ({goal})")

        rng = random.Random(11)
        queries = []
        for index in range(SEARCH_RUNS):
            kind = index % 3
            if kind == 0:
                queries.append(rng.choice(words))
            elif kind == 1:
                queries.append(f"{rng.choice(words)} {rng.choice(words)}")
            else:
                queries.append(f'"{rng.choice(words)} {rng.choice(words)}"')
        for query in queries[:5]:
            timed_get(client, tenant.pk, path, {"search": query, "limit": 10})
        latencies = [
            timed_get(client, tenant.pk, path, {"search": query, "limit": 10}) for query in queries
        ]
        print(f"  search, 10 per page, ranked ({SEARCH_RUNS} queries: words, pairs, phrases)")
        print(f"    p50 {percentile(latencies, 0.50) * 1000:8.1f} ms")
        print(f"    p99 {percentile(latencies, 0.99) * 1000:8.1f} ms")
    finally:
        connection.set_schema_to_public()
        tenant_delete(tenant=tenant)


if __name__ == "__main__":
    main()
