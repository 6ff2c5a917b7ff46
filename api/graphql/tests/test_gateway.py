"""GraphQL behind the same gateway: keys, tenants and modes, scopes per field family, the cost
in rate-limit tokens, metering as one call on /v1/graphql."""

import json

import pytest
from django.conf import settings
from django.db import connection

from api.gateway import usage_buffer_push
from api.graphql.tests.support import GRAPHQL, data, error, gql
from apikeys.services import api_key_create
from marketplace.models import Challenge
from metering.models import UsageMinute
from metering.services import usage_flush

pytestmark = pytest.mark.django_db

API_HOST = f"api.{settings.BASE_DOMAIN}"
EVERY_READ = """query($chl: ID!, $app: ID!, $msg: ID!, $rev: ID!, $evt: ID!) {
  challenge(id: $chl) { id } application(id: $app) { id } message(id: $msg) { id }
  review(id: $rev) { id } event(id: $evt) { id }
  c: node(id: $chl) { id } a: node(id: $app) { id } m: node(id: $msg) { id }
  r: node(id: $rev) { id } e: node(id: $evt) { id }
  challenges { nodes { id } } applications { nodes { id } } messages { nodes { id } }
  reviews { nodes { id } } events { nodes { id } } }"""


@pytest.fixture
def objects(api_host):
    return api_host.one_of_each()


def _snapshot(tenant) -> list:
    connection.set_tenant(tenant)
    try:
        return list(Challenge.objects.order_by("id").values("id", "title", "status"))
    finally:
        connection.set_schema_to_public()


def test_no_key_or_a_bad_key_is_401_as_graphql_errors(api_client_factory):
    for key in (None, "oc_live_nonsense"):
        response = gql(api_client_factory(key), "{ me { object } }")
        refused = error(response, "invalid_api_key", status=401)
        assert refused["extensions"]["status"] == 401
        assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize("who", ["outsider", "sandbox"])
def test_another_tenant_and_the_sandbox_never_see_or_change_live_objects(
    who, objects, api_client_factory, other_live_key, test_key, tenant
):
    # given: the outsider's key on the shared API host, or our own sandbox key
    key = other_live_key if who == "outsider" else test_key
    client = api_client_factory(key, host=API_HOST)
    ids = {name: objects[name] for name in ("chl", "app", "msg", "rev", "evt")}
    before = _snapshot(tenant)

    # when: every read by id, by node id and every list; then every write on a live id
    body = gql(client, EVERY_READ, ids).json()
    writes = gql(
        client,
        'mutation($chl: ID!, $app: ID!) { updateChallenge(id: $chl, input: {title: "X"}) '
        "{ id } closeChallenge(id: $chl) { id } rejectApplication(id: $app) { id } "
        'createMessage(application: $app, input: {author: applicant, body: "X"}) { id } }',
        {"chl": ids["chl"], "app": ids["app"]},
    ).json()

    # then: not found, everywhere; the lists hold none of ours; nothing changed
    assert {e["extensions"]["code"] for e in body["errors"]} == {"not_found"}
    assert len(body["errors"]) == 10
    for name in ("challenges", "applications", "messages", "reviews", "events"):
        listed = {node["id"] for node in body["data"][name]["nodes"]}
        assert not listed & set(ids.values()), name
    assert {e["extensions"]["code"] for e in writes["errors"]} == {"not_found"}
    assert all(value is None for value in writes["data"].values())
    assert _snapshot(tenant) == before


def test_a_key_on_another_tenants_host_is_refused(objects, api_client_factory, other_live_key):
    error(
        gql(api_client_factory(other_live_key), "{ me { object } }"), "invalid_api_key", status=401
    )


@pytest.mark.parametrize(
    ("query", "scope"),
    [
        ("{ challenges { nodes { id } } }", "challenges:read"),
        ("{ applications { nodes { id } } }", "applications:read"),
        ("{ messages { nodes { id } } }", "messages:read"),
        ("{ reviews { nodes { id } } }", "reviews:read"),
        ("{ webhookEndpoints { nodes { id } } }", "webhooks:read"),
        ('mutation { createChallenge(input: {title: "X"}) { id } }', "challenges:write"),
    ],
)
def test_each_field_family_needs_its_scope(query, scope, api_client_factory, tenant):
    # given: a key with every scope but this one (a write scope: only its read scope)
    family, _, action = scope.partition(":")
    families = ["challenges", "applications", "messages", "reviews", "events", "webhooks"]
    granted = [f"{other}:write" for other in families if other != family]
    if action == "write":
        granted.append(f"{family}:read")
    key = api_key_create(tenant=tenant, name="scoped", scopes=granted).secret
    client = api_client_factory(key)
    before = _snapshot(tenant)

    # when
    refused = error(gql(client, query), "insufficient_scope", status=200)

    # then
    assert refused["extensions"]["required_scope"] == scope
    assert refused["extensions"]["status"] == 403
    assert _snapshot(tenant) == before


def test_nested_fields_need_their_own_family(api, api_client_factory, tenant):
    challenge = api.open_challenge()
    api.application(challenge["id"])
    key = api_key_create(tenant=tenant, name="challenges", scopes=["challenges:read"]).secret

    body = gql(
        api_client_factory(key), "{ challenges { nodes { id applications { nodes { id } } } } }"
    ).json()

    assert body["data"]["challenges"]["nodes"][0] == {"id": challenge["id"], "applications": None}
    assert body["errors"][0]["extensions"]["required_scope"] == "applications:read"


def test_events_are_only_those_the_key_may_read(api, api_client_factory, tenant):
    api.one_of_each()
    key = api_key_create(
        tenant=tenant, name="events", scopes=["events:read", "challenges:read"]
    ).secret
    nodes = data(gql(api_client_factory(key), "{ events(first: 100) { nodes { type } } }"))
    assert {node["type"].split(".")[0] for node in nodes["events"]["nodes"]} == {"challenge"}


def _ledger(api_key_id: str) -> dict:
    usage_buffer_push()
    usage_flush()
    return {
        (row.route, row.status): (row.calls, row.is_billable)
        for row in UsageMinute.objects.filter(api_key_id=api_key_id)
    }


def test_each_request_is_one_metered_call_on_the_graphql_route(api_client_factory, tenant):
    issued = api_key_create(tenant=tenant, name="metered")
    client = api_client_factory(issued.secret)

    data(
        gql(client, "{ me { object } challenges { nodes { id } } a: challenges { nodes { id } } }")
    )
    data(
        gql(
            client,
            'mutation { a: createChallenge(input: {title: "A"}) { id } '
            'b: createChallenge(input: {title: "B"}) { id } }',
        )
    )
    error(gql(client, "{ nope }"), "graphql_validation_failed", status=400)
    error(
        client.post(GRAPHQL, "{not json", content_type="application/json"),
        "invalid_json",
        status=400,
    )

    assert _ledger(issued.api_key.pk) == {
        ("/v1/graphql", 200): (2, True),
        ("/v1/graphql", 400): (2, True),
    }


def test_the_cost_is_the_tokens_taken(api_client_factory, tenant):
    client = api_client_factory(api_key_create(tenant=tenant, name="cost").secret)
    cheap = gql(client, "{ challenges(first: 10) { nodes { id } } }")
    nested = gql(
        client,
        "{ challenges(first: 10) { nodes { applications(first: 10) "
        "{ nodes { messages(first: 10) { nodes { id } } } } } } }",
    )
    search = gql(client, '{ challenges(search: "rust") { nodes { id } } }')

    assert cheap["X-GraphQL-Cost"] == "1"
    assert nested["X-GraphQL-Cost"] == "12"  # ⌈(10 + 100 + 1000) / 100⌉
    assert search["X-GraphQL-Cost"] == "3"
    remaining = [int(r["X-RateLimit-Remaining"]) for r in (cheap, nested, search)]
    assert remaining[0] - remaining[1] >= 11  # the bucket refills at 25/s meanwhile


def test_a_query_over_the_plans_burst_is_refused_up_front(api_client_factory, tenant):
    client = api_client_factory(api_key_create(tenant=tenant, name="big").secret)
    response = gql(
        client, "{ challenges(first: 100) { nodes { applications(first: 100) { nodes { id } } } } }"
    )
    refused = error(response, "query_cost_exceeded", status=400)
    assert refused["extensions"]["cost"] == 101
    assert refused["extensions"]["max_cost"] == 50  # pro's burst
    assert refused["extensions"]["upgrade_plan"] == "business"
    assert "data" not in response.json()


def test_get_runs_queries_but_not_mutations(api_client):
    ok = api_client.get(GRAPHQL, {"query": "{ me { object } }"})
    assert data(ok) == {"me": {"object": "me"}}
    refused = api_client.get(
        GRAPHQL, {"query": 'mutation { createChallenge(input: {title: "X"}) { id } }'}
    )
    error(refused, "method_not_allowed", status=405)
    variables = api_client.get(
        GRAPHQL,
        {
            "query": "query($n: Int) { challenges(first: $n) { nodes { id } } }",
            "variables": json.dumps({"n": 1}),
        },
    )
    assert len(data(variables)["challenges"]["nodes"]) <= 1


def test_over_the_rate_limit_is_429_with_retry_after(api_client_factory, tenant):
    client = api_client_factory(api_key_create(tenant=tenant, name="limited").secret)
    heavy = (
        "{ challenges(first: 10) { nodes { applications(first: 10) "
        "{ nodes { messages(first: 10) { nodes { id } } } } } } }"
    )  # 12 tokens
    answers = [gql(client, heavy) for _ in range(6)]  # 72 tokens against a burst of 50

    limited = [answer for answer in answers if answer.status_code == 429]
    assert limited, [answer.status_code for answer in answers]
    refused = error(limited[0], "rate_limited", status=429)
    assert refused["extensions"]["plan"] == "pro"
    assert refused["extensions"]["limit"]["cost"] == 12
    assert int(limited[0]["Retry-After"]) >= 1


def test_without_a_key_nothing_is_parsed_the_answer_is_401(api_client_factory):
    client = api_client_factory(None)
    for body in ("{not json", json.dumps({"query": "{ nope"})):
        error(
            client.post(GRAPHQL, body, content_type="application/json"),
            "invalid_api_key",
            status=401,
        )
