"""GraphQL vs REST: the same page of 10 challenges through both faces, in one process.

Provisions a throwaway tenant with 50 open challenges (created through REST; the newest 10 with 3
applications of 2 messages each), then alternates
``GET /v1/challenges?limit=10`` and ``{ challenges(first: 10) { nodes { …every REST field… } } }``
through the full stack (middleware, gateway: key, limits, metering) with one live key, and
prints the CPU time (``time.process_time``) per call of each, the median, and the ratio
REST ÷ GraphQL (GraphQL's throughput relative to REST's at equal CPU; issue 13's goal ≥ 0.7).
Then the SQL count of a nested page (10 challenges × their applications × their messages).
Prints only: no timed asserts. The tenant is deleted at the end, also when something fails.
"""

import json
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

# Run as a script, bench/ is sys.path[0]: this file would shadow graphql-core (and bench/http.py
# the standard library's http). Import from the repository root only.
_BENCH = Path(__file__).resolve().parent
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != _BENCH]
sys.path.insert(0, str(_BENCH.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openchance.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from api.gateway import rate_limit_reset  # noqa: E402
from api.graphql.tests.support import CHALLENGE_FIELDS, rest_shaped  # noqa: E402
from api.v1.tests.support import Api  # noqa: E402
from apikeys.services import api_key_create  # noqa: E402
from core.testing import host_of  # noqa: E402
from organisations.services import organisation_provision  # noqa: E402
from tenants.services import tenant_delete  # noqa: E402

CHALLENGES = 50
RUNS = int(os.environ.get("BENCH_GRAPHQL_RUNS", "200"))
PAGE = 10
GOAL_RATIO = 0.7
QUERY = f"{{ challenges(first: {PAGE}) {{ nodes {{ {CHALLENGE_FIELDS} }} }} }}"
NESTED = (
    f"{{ challenges(first: {PAGE}) {{ nodes {{ id applications(first: 10) {{ nodes {{ id "
    "messages(first: 10) { nodes { id body } } } } } } }"
)


def rest_call(client: Client) -> dict:
    response = client.get("/v1/challenges", {"limit": PAGE})
    assert response.status_code == 200, response.content
    return response.json()


def graphql_call(client: Client, query: str = QUERY) -> dict:
    response = client.post(
        "/v1/graphql", json.dumps({"query": query}), content_type="application/json"
    )
    body = response.json()
    assert response.status_code == 200 and "errors" not in body, body
    return body["data"]


def cpu_of(call, client: Client, organisation_id: int) -> float:
    rate_limit_reset(organisation_id=organisation_id)  # measure the API, not the plan's limits
    started = time.process_time()
    call(client)
    return time.process_time() - started


def main() -> None:
    run = uuid.uuid4().hex[:6]
    connection.set_schema_to_public()
    tenant = organisation_provision(
        issue_keys=False,
        slug=f"bench-graphql-{run}",
        name="Bench GraphQL",
        plan_code="enterprise",
        owner_email=f"owner-{run}@bench.example.com",
    ).tenant
    try:
        key = api_key_create(tenant=tenant, name="bench", mode="live").secret
        client = Client(HTTP_HOST=host_of(tenant), HTTP_AUTHORIZATION=f"Bearer {key}")
        api = Api(client)
        for number in range(CHALLENGES):
            challenge = api.open_challenge(
                title=f"Bench challenge {number}",
                summary="A page of the GraphQL bench.",
                tags=["bench", f"t{number % 5}"],
                reward={"amount": 1000 + number, "currency": "usd"},
            )
            if number >= CHALLENGES - PAGE:  # the first page: 3 applications, 2 messages each
                for applicant in range(3):
                    application = api.application(challenge["id"], f"a{applicant}@example.com")
                    for _ in range(2):
                        api.post(
                            f"/v1/applications/{application['id']}/messages",
                            {"author": "applicant", "body": "Hello"},
                        )
            rate_limit_reset(organisation_id=tenant.pk)
        # Same objects both ways (what is measured is the same work).
        rest_page = rest_call(client)["data"]
        graphql_page = graphql_call(client)["challenges"]["nodes"]
        assert rest_shaped(graphql_page) == rest_page, "GraphQL and REST pages differ"

        for _ in range(10):  # warm up: key cache, plan cache, parser cache, buffers
            cpu_of(rest_call, client, tenant.pk)
            cpu_of(graphql_call, client, tenant.pk)
        rest, graphql = [], []
        for _ in range(RUNS):  # alternating, so drift affects both alike
            rest.append(cpu_of(rest_call, client, tenant.pk))
            graphql.append(cpu_of(graphql_call, client, tenant.pk))
        rest_median, graphql_median = statistics.median(rest), statistics.median(graphql)
        ratio = rest_median / graphql_median
        print(f"graphql: a page of {PAGE} challenges, REST and GraphQL alternating ({RUNS} each)")
        print(f"  CPU per call, median   REST    {rest_median * 1000:7.2f} ms")
        print(f"                         GraphQL {graphql_median * 1000:7.2f} ms")
        print(f"  CPU per call, mean     REST    {statistics.fmean(rest) * 1000:7.2f} ms")
        print(f"                         GraphQL {statistics.fmean(graphql) * 1000:7.2f} ms")
        goal = f"goal ≥ {GOAL_RATIO}: {'met' if ratio >= GOAL_RATIO else 'NOT met'}"
        print(f"  ratio REST ÷ GraphQL (GraphQL's relative throughput): {ratio:.2f} ({goal})")

        rate_limit_reset(organisation_id=tenant.pk)
        with CaptureQueriesContext(connection) as captured:
            graphql_call(client, NESTED)
        selects = [q for q in captured.captured_queries if q["sql"].lstrip().startswith("SELECT")]
        print(
            f"  nested page ({PAGE} challenges → applications → messages): {len(selects)} SELECTs"
        )
    finally:
        connection.set_schema_to_public()
        tenant_delete(tenant=tenant)


if __name__ == "__main__":
    main()
