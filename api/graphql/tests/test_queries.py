"""Reads through GraphQL equal REST's, field for field; filters, ordering, search and paging as
REST; a nested page is a constant number of SQL queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api.gateway import rate_limit_reset
from api.graphql.tests.support import (
    APPLICATION_FIELDS,
    CHALLENGE_FIELDS,
    DELIVERY_FIELDS,
    ENDPOINT_FIELDS,
    EVENT_FIELDS,
    MESSAGE_FIELDS,
    REVIEW_FIELDS,
    data,
    error,
    gql,
    rest_shaped,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def objects(api):
    ids = api.one_of_each(rating=4)
    api.patch(f"/v1/challenges/{ids['chl']}", {"metadata": {"team": "core"}})
    return ids


@pytest.mark.parametrize(
    ("field", "prefix", "rest_path", "fields"),
    [
        ("challenge", "chl", "/v1/challenges/{}", CHALLENGE_FIELDS),
        ("application", "app", "/v1/applications/{}", APPLICATION_FIELDS),
        ("message", "msg", "/v1/messages/{}", MESSAGE_FIELDS),
        ("review", "rev", "/v1/reviews/{}", REVIEW_FIELDS),
        ("event", "evt", "/v1/events/{}", EVENT_FIELDS),
    ],
)
def test_an_object_reads_as_in_rest_field_for_field(
    api, api_client, objects, field, prefix, rest_path, fields
):
    object_id = objects[prefix]
    rest = api.get(rest_path.format(object_id)).json()

    by_id = data(
        gql(api_client, f"query($id: ID!) {{ {field}(id: $id) {{ {fields} }} }}", {"id": object_id})
    )[field]
    by_node = data(
        gql(
            api_client,
            f"query($id: ID!) {{ node(id: $id) {{ ... on "
            f"{field[0].upper() + field[1:]} {{ {fields} }} }} }}",
            {"id": object_id},
        )
    )

    assert rest_shaped(by_id) == rest
    assert rest_shaped(by_node["node"]) == rest


def test_lists_read_as_in_rest_with_the_same_cursors(api, api_client, objects):
    for number in range(3):
        api.challenge(title=f"Extra {number}")
    rest = api.get("/v1/challenges", limit=2).json()

    page = data(
        gql(
            api_client,
            f"{{ challenges(first: 2) {{ totalCount pageInfo {{ hasNextPage "
            f"endCursor }} edges {{ cursor node {{ {CHALLENGE_FIELDS} }} }} }} }}",
        )
    )
    connection_ = page["challenges"]

    assert [rest_shaped(edge["node"]) for edge in connection_["edges"]] == rest["data"]
    assert connection_["pageInfo"] == {"hasNextPage": True, "endCursor": rest["next_cursor"]}
    assert connection_["totalCount"] == 4
    rest_next = api.get("/v1/challenges", limit=2, cursor=rest["next_cursor"]).json()
    next_page = data(
        gql(
            api_client,
            "query($after: String) { challenges(first: 2, after: $after) { nodes { id } } }",
            {"after": rest["next_cursor"]},
        )
    )
    assert [node["id"] for node in next_page["challenges"]["nodes"]] == [
        item["id"] for item in rest_next["data"]
    ]


def test_last_and_before_page_backwards(api, api_client):
    ids = [api.challenge(title=f"C{number}")["id"] for number in range(5)]  # oldest first
    newest_first = list(reversed(ids))

    tail = data(
        gql(
            api_client,
            "{ challenges(last: 2) { pageInfo { hasPreviousPage startCursor } nodes { id } } }",
        )
    )["challenges"]
    assert [node["id"] for node in tail["nodes"]] == newest_first[3:]
    assert tail["pageInfo"]["hasPreviousPage"] is True

    before = data(
        gql(
            api_client,
            "query($c: String) { challenges(last: 2, before: $c) { nodes { id } } }",
            {"c": tail["pageInfo"]["startCursor"]},
        )
    )["challenges"]
    assert [node["id"] for node in before["nodes"]] == newest_first[1:3]


def test_filters_ordering_and_search_match_rest(api, api_client):
    api.open_challenge(
        title="Rust parser bounty", tags=["rust"], reward={"amount": 900, "currency": "usd"}
    )
    api.challenge(title="Python gig", tags=["python"], reward={"amount": 100, "currency": "usd"})
    api.challenge(title="Rust compiler grant", tags=["rust"], category="grant")
    cases = [
        ({"tags": "rust"}, '(tags: ["rust"])'),
        ({"status": "open"}, "(status: [open])"),
        ({"reward_amount[gte]": "500"}, "(rewardAmount: {gte: 500})"),
        ({"ordering": "reward_amount"}, "(orderBy: REWARD_AMOUNT)"),
        ({"search": "rust"}, '(search: "rust")'),
        ({"category": "grant,bounty"}, "(category: [grant, bounty])"),
    ]
    for params, arguments in cases:
        rest = [item["id"] for item in api.get("/v1/challenges", **params).json()["data"]]
        graphql = data(gql(api_client, f"{{ challenges{arguments} {{ nodes {{ id }} }} }}"))
        assert [node["id"] for node in graphql["challenges"]["nodes"]] == rest, params
        assert rest, params  # each case selects something


def test_bad_filters_are_refused_like_rest(api, api_client):
    rest = api.get("/v1/challenges", **{"reward_amount[gte]": "-1"}).json()
    refused = error(
        gql(api_client, "{ challenges(rewardAmount: {gte: -1}) { nodes { id } } }"),
        "validation_error",
        status=200,
    )
    assert refused["extensions"]["errors"] == rest["errors"]
    assert refused["path"] == ["challenges"]
    forged = error(
        gql(api_client, '{ challenges(after: "bm90IGEgY3Vyc29y") { nodes { id } } }'),
        "invalid_cursor",
    )
    assert forged["extensions"]["status"] == 400


def test_webhook_endpoints_and_deliveries_read_as_in_rest(api, api_client, allow_sink):
    created = api.post("/v1/webhook_endpoints", {"url": allow_sink.url(), "events": ["*"]})
    assert created.status_code == 201, created.content
    endpoint_id = created.json()["id"]
    rest_endpoint = api.get(f"/v1/webhook_endpoints/{endpoint_id}").json()
    ping = api.post(f"/v1/webhook_endpoints/{endpoint_id}/test")
    assert ping.status_code == 202, ping.content
    rest_delivery = api.get(f"/v1/webhook_deliveries/{ping.json()['id']}").json()

    graphql = data(
        gql(
            api_client,
            f"query($e: ID!, $d: ID!) {{ webhookEndpoint(id: $e) {{ "
            f"{ENDPOINT_FIELDS} }} webhookDelivery(id: $d) {{ {DELIVERY_FIELDS} }} "
            f"webhookDeliveries(endpoint: $e) {{ nodes {{ id }} }} }}",
            {"e": endpoint_id, "d": rest_delivery["id"]},
        )
    )

    assert rest_shaped(graphql["webhookEndpoint"]) == rest_endpoint
    assert rest_shaped(graphql["webhookDelivery"]) == rest_delivery
    assert graphql["webhookDeliveries"]["nodes"] == [{"id": rest_delivery["id"]}]


NESTED = """{ challenges(first: 10) { edges { node { id title
  applications(first: 5) { totalCount nodes { id applicant { email }
    challenge { id }
    review { id rating }
    messages(first: 5) { nodes { id body application { id } } } } } } } } }"""


def _nested_queries(client) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as queries:
        answer = data(gql(client, NESTED))
    # django-tenants prefixes each statement with its SET search_path: count the reads.
    return sum(not q["sql"].startswith("SET ") for q in queries), answer


def test_a_nested_page_is_a_constant_number_of_queries(api, api_client, tenant):
    # given: 3 challenges with 2 applications each, each with a message
    for number in range(3):
        challenge = api.open_challenge(title=f"C{number}")
        for person in range(2):
            application = api.application(challenge["id"], email=f"p{person}@example.com")
            api.post(
                f"/v1/applications/{application['id']}/messages",
                {"author": "applicant", "body": "Hi"},
            )
    rate_limit_reset(organisation_id=tenant.pk)  # the setup's writes spent the burst
    small_count, small = _nested_queries(api_client)

    # when: three times the rows
    for number in range(6):
        challenge = api.open_challenge(title=f"D{number}")
        for person in range(2):
            application = api.application(challenge["id"], email=f"q{person}@example.com")
            api.post(
                f"/v1/applications/{application['id']}/messages",
                {"author": "applicant", "body": "Hi"},
            )
    rate_limit_reset(organisation_id=tenant.pk)
    large_count, large = _nested_queries(api_client)

    # then: challenges, applications, reviews, messages — whatever the number of rows (each
    # application's challenge and each message's application are the parents already loaded)
    assert len(large["challenges"]["edges"]) == 9
    assert sum(len(e["node"]["applications"]["nodes"]) for e in large["challenges"]["edges"]) == 18
    assert small_count == large_count
    assert large_count == 4
    first = large["challenges"]["edges"][0]["node"]
    assert first["applications"]["totalCount"] is None  # not counted per parent
    for application in first["applications"]["nodes"]:
        assert application["challenge"]["id"] == first["id"]
        assert [m["application"]["id"] for m in application["messages"]["nodes"]] == [
            application["id"]
        ]


def test_me_matches_rest(api, api_client):
    rest = api.get("/v1/me").json()
    graphql = data(
        gql(
            api_client,
            "{ me { object tenant { id name livemode } key { id name mode "
            "scopes display expiresAt } plan { code name includedCalls isHardCap } "
            "usage { periodStart periodEnd includedCalls } } }",
        )
    )["me"]
    shaped = rest_shaped(graphql)
    for part in ("tenant", "key", "plan"):
        assert shaped[part] == rest[part]
    assert shaped["usage"]["period_start"] == rest["usage"]["period_start"]
