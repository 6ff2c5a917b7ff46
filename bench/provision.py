"""Provisioning benchmark: 20 tenants through `tenant_provision`, against the bare clone SQL.

Prints the median time to provision one tenant (live + sandbox schemas, rows, domain, owner,
membership, in one transaction) and its ratio to the bare template-clone SQL for the same two
schemas, measured in the same run, so the platform's own overhead is visible. Goal: median < 1 s.
Everything it creates is deleted again.
"""

import os
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

from django.db import connection, transaction  # noqa: E402

from organisations.services import organisation_provision  # noqa: E402
from tenants.schemas import schema_clone_prepare, schema_clone_template  # noqa: E402
from tenants.selectors import tenant_get_live  # noqa: E402
from tenants.services import tenant_delete  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "20"))


class _Rollback(Exception):
    pass


def bare_clone_seconds(run: str, index: int) -> float:
    """The two CREATE-by-clone statements alone, rolled back afterwards."""
    started = time.perf_counter()
    try:
        with transaction.atomic():
            schema_clone_template(schema_name=f"bench_{run}_{index}")
            schema_clone_template(schema_name=f"bench_{run}_{index}_test")
            elapsed = time.perf_counter() - started
            raise _Rollback
    except _Rollback:
        return elapsed


def provision_seconds(run: str, index: int) -> float:
    started = time.perf_counter()
    organisation_provision(
        issue_keys=False,
        slug=f"bench-{run}-{index}",
        name=f"Bench {index}",
        plan_code="pro",
        owner_email=f"owner-{run}-{index}@bench.example.com",
    )
    return time.perf_counter() - started


def main() -> None:
    run = uuid.uuid4().hex[:6]
    connection.set_schema_to_public()
    schema_clone_prepare()  # committed, so neither side pays for installing the SQL function
    bare_clone_seconds(run, -1)  # warm up catalog caches
    baseline, measured = [], []
    try:
        for index in range(ROUNDS):
            baseline.append(bare_clone_seconds(run, index))
            measured.append(provision_seconds(run, index))
    finally:
        for index in range(ROUNDS):
            tenant = tenant_get_live(slug=f"bench-{run}-{index}")
            if tenant is not None:
                tenant_delete(tenant=tenant)
    base_median, median = statistics.median(baseline), statistics.median(measured)
    print(f"provision: {ROUNDS} tenants (live + sandbox schema each)")
    print(f"  bare clone SQL   median {base_median * 1000:8.1f} ms")
    print(f"  tenant_provision median {median * 1000:8.1f} ms   max {max(measured) * 1000:.1f} ms")
    print(f"  ratio provision / bare clone: {median / base_median:.2f}x")
    print(f"  goal median < 1000 ms: {'met' if median < 1 else 'NOT met'}")


if __name__ == "__main__":
    main()
