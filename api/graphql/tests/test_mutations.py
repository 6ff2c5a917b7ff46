"""Every mutation calls the REST write's service: the same rows and events, the same refusals
with the same codes; Idempotency-Key works on the HTTP request as in REST."""

import pytest
from django.db import connection

from api.graphql.tests.support import CHALLENGE_FIELDS, data, error, gql, rest_shaped
from events.models import Event
from marketplace.models import Application, Challenge, Message, Review

pytestmark = pytest.mark.django_db

CHALLENGE = {
    "title": "Fix the flaky login test",
    "summary": "One run in ten.",
    "category": "bounty",
    "tags": ["Testing", "python"],
    "skills": ["pytest"],
    "reward": {"amount": 50000, "currency": "USD"},
    "deadline": "2030-01-31T23:59:59Z",
    "remote": True,
    "max_applications": 20,
    "metadata": {"team": "platform"},
}
CHALLENGE_INPUT = {
    **{key: value for key, value in CHALLENGE.items() if key != "max_applications"},
    "maxApplications": 20,
}
VOLATILE = ("id", "created_at", "updated_at", "published_at", "request_id")


def _rows(tenant) -> dict:
    connection.set_tenant(tenant)
    try:
        return {
            model.__name__: model.objects.count()
            for model in (Challenge, Application, Message, Review, Event)
        }
    finally:
        connection.set_schema_to_public()


def _stable(rendered: dict) -> dict:
    """Without what differs between twins: ids, timestamps, the parent's id."""
    return {
        key: value
        for key, value in rendered.items()
        if key not in VOLATILE and key != "challenge" and not key.endswith("_at")
    }


def _events(tenant, object_id: str) -> list[tuple[str, dict]]:
    connection.set_tenant(tenant)
    try:
        events = Event.objects.filter(data__id=object_id).order_by("created_at", "id")
        return [(event.type, _stable(event.data)) for event in events]
    finally:
        connection.set_schema_to_public()


def test_create_and_publish_leave_the_same_rows_and_events_as_rest(api, api_client, tenant):
    # given: the REST twin
    rest = api.post("/v1/challenges", CHALLENGE).json()
    api.post(f"/v1/challenges/{rest['id']}/publish")
    before = _rows(tenant)

    # when
    created = data(
        gql(
            api_client,
            f"mutation($input: ChallengeCreateInput!) {{ createChallenge(input: $input) "
            f"{{ {CHALLENGE_FIELDS} }} }}",
            {"input": CHALLENGE_INPUT},
        )
    )["createChallenge"]
    published = data(
        gql(
            api_client,
            "mutation($id: ID!) { publishChallenge(id: $id) { id status } }",
            {"id": created["id"]},
        )
    )["publishChallenge"]

    # then
    assert published == {"id": created["id"], "status": "open"}
    assert _rows(tenant)["Challenge"] == before["Challenge"] + 1
    assert _rows(tenant)["Event"] == before["Event"] + 2
    rest_now = api.get(f"/v1/challenges/{rest['id']}").json()
    graphql_now = api.get(f"/v1/challenges/{created['id']}").json()
    assert _stable(graphql_now) == _stable(rest_now)
    assert _stable(rest_shaped(created)) == _stable(rest)  # the draft, as REST answered it
    assert [(kind, _stable(obj)) for kind, obj in _events(tenant, created["id"])] == [
        (kind, _stable(obj)) for kind, obj in _events(tenant, rest["id"])
    ]


def test_application_message_and_review_mutations_match_rest(api, api_client, tenant):
    challenge = api.open_challenge()
    submitted = data(
        gql(
            api_client,
            "mutation($c: ID!) { submitApplication(challenge: $c, input: {applicant: {name: "
            '"Ada", email: "ada@example.com"}, pitch: "Me."}) { id status challengeId } }',
            {"c": challenge["id"]},
        )
    )["submitApplication"]
    application_id = submitted["id"]
    for action in ("shortlistApplication", "acceptApplication"):
        data(
            gql(
                api_client,
                f"mutation($id: ID!) {{ {action}(id: $id) {{ id }} }}",
                {"id": application_id},
            )
        )
    both = data(
        gql(
            api_client,
            "mutation($a: ID!) { createMessage(application: $a, input: {author: applicant, "
            'body: "Hi"}) { id author body applicationId } createReview(input: {application: '
            '$a, rating: 5, comment: "Great"}) { id rating applicationId } }',
            {"a": application_id},
        )
    )

    assert submitted["status"] == "submitted"
    assert submitted["challengeId"] == challenge["id"]
    assert api.get(f"/v1/applications/{application_id}").json()["status"] == "accepted"
    message = api.get(f"/v1/messages/{both['createMessage']['id']}").json()
    assert rest_shaped(both["createMessage"]) == {
        key: message[key] for key in ("id", "author", "body", "application")
    }
    review = api.get(f"/v1/reviews/{both['createReview']['id']}").json()
    assert review["rating"] == 5 and review["application"] == application_id
    types = [kind for kind, _ in _events(tenant, application_id)]
    assert types == [
        "application.submitted",
        "application.status_changed",
        "application.status_changed",
    ]


def test_refusals_carry_the_rest_problem_codes_and_change_nothing(api, api_client, tenant):
    draft = api.challenge()
    before = _rows(tenant)

    refused = error(
        gql(
            api_client, "mutation($id: ID!) { closeChallenge(id: $id) { id } }", {"id": draft["id"]}
        ),
        "invalid_state_transition",
        status=200,
    )
    invalid = error(
        gql(
            api_client,
            'mutation { createChallenge(input: {title: "", maxApplications: 0}) { id } }',
        ),
        "validation_error",
        status=200,
    )
    missing = error(
        gql(api_client, 'mutation { publishChallenge(id: "chl_nope") { id } }'), "not_found"
    )
    not_open = error(
        gql(
            api_client,
            "mutation($c: ID!) { submitApplication(challenge: $c, "
            'input: {applicant: {name: "A", email: "a@example.com"}}) { id } }',
            {"c": draft["id"]},
        ),
        "challenge_not_open",
    )

    assert refused["extensions"]["status"] == 409
    assert refused["extensions"]["allowed"] == ["publish", "cancel"]
    assert refused["path"] == ["closeChallenge"]
    assert set(invalid["extensions"]["errors"]) == {"title", "max_applications"}
    assert missing["extensions"]["status"] == 404
    assert not_open["extensions"]["status"] == 422
    assert _rows(tenant) == before


def test_several_mutations_run_in_order_and_each_answers(api, api_client):
    answer = gql(
        api_client,
        'mutation { a: createChallenge(input: {title: "A"}) { id } '
        'b: createChallenge(input: {title: ""}) { id } '
        'c: createChallenge(input: {title: "C"}) { id } }',
    )
    body = answer.json()
    assert answer.status_code == 200
    assert body["data"]["a"]["id"].startswith("chl_")
    assert body["data"]["b"] is None
    assert body["data"]["c"]["id"].startswith("chl_")
    assert [e["path"] for e in body["errors"]] == [["b"]]
    assert answer["X-GraphQL-Cost"] == "3"


def test_idempotency_key_replays_the_first_answer(api, api_client, tenant):
    document = 'mutation { createChallenge(input: {title: "Once"}) { id title } }'
    first = gql(api_client, document, **{"Idempotency-Key": "gql-1"})
    before = _rows(tenant)

    again = gql(api_client, document, **{"Idempotency-Key": "gql-1"})
    other = gql(api_client, document.replace("Once", "Twice"), **{"Idempotency-Key": "gql-1"})

    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert _rows(tenant) == before
    error(other, "idempotency_key_reused", status=422)


def test_an_answer_with_errors_is_not_kept_for_replay(api, api_client, tenant):
    draft = api.challenge()
    document = "mutation($id: ID!) { publishChallenge(id: $id) { status } }"
    api.patch(f"/v1/challenges/{draft['id']}", {"deadline": None})
    api.post(f"/v1/challenges/{draft['id']}/cancel")
    refused = gql(api_client, document, {"id": draft["id"]}, **{"Idempotency-Key": "gql-2"})
    error(refused, "invalid_state_transition")

    retried = gql(api_client, document, {"id": draft["id"]}, **{"Idempotency-Key": "gql-2"})

    assert not retried.has_header("Idempotent-Replayed")
    error(retried, "invalid_state_transition")


def test_webhook_endpoint_mutations(api_client, allow_sink, tenant):
    created = data(
        gql(
            api_client,
            "mutation($url: String!) { createWebhookEndpoint(input: {url: $url, events: "
            '["challenge.*"]}) { secret webhookEndpoint { id events enabled } } }',
            {"url": allow_sink.url()},
        )
    )["createWebhookEndpoint"]
    endpoint_id = created["webhookEndpoint"]["id"]
    updated = data(
        gql(
            api_client,
            "mutation($id: ID!) { updateWebhookEndpoint(id: $id, input: "
            "{enabled: false}) { enabled health { status } } }",
            {"id": endpoint_id},
        )
    )["updateWebhookEndpoint"]
    rotated = data(
        gql(
            api_client,
            "mutation($id: ID!) { rotateWebhookEndpointSecret(id: $id) { endpointId secret } }",
            {"id": endpoint_id},
        )
    )
    deleted = data(
        gql(
            api_client,
            "mutation($id: ID!) { deleteWebhookEndpoint(id: $id) { id object deleted } }",
            {"id": endpoint_id},
        )
    )

    assert created["secret"].startswith("whsec_")
    assert created["webhookEndpoint"]["events"] == ["challenge.*"]
    assert updated == {"enabled": False, "health": {"status": "disabled"}}
    assert rotated["rotateWebhookEndpointSecret"]["secret"] != created["secret"]
    assert deleted["deleteWebhookEndpoint"] == {
        "id": endpoint_id,
        "object": "webhook_endpoint",
        "deleted": True,
    }
    error(
        gql(api_client, "query($id: ID!) { webhookEndpoint(id: $id) { id } }", {"id": endpoint_id}),
        "not_found",
    )


def _lifecycle_rest(api) -> dict[str, str]:
    challenge = api.post("/v1/challenges", {"title": "Lifecycle", "max_applications": 3}).json()
    api.patch(f"/v1/challenges/{challenge['id']}", {"summary": "Edited", "metadata": {"k": "v"}})
    api.post(f"/v1/challenges/{challenge['id']}/publish")
    winner = api.post(
        f"/v1/challenges/{challenge['id']}/applications",
        {"applicant": {"name": "Ada", "email": "ada@example.com"}, "pitch": "Me."},
    ).json()
    loser = api.post(
        f"/v1/challenges/{challenge['id']}/applications",
        {"applicant": {"name": "Bob", "email": "bob@example.com"}},
    ).json()
    api.patch(f"/v1/applications/{winner['id']}", {"score": 90})
    api.post(f"/v1/applications/{winner['id']}/shortlist")
    api.post(f"/v1/applications/{winner['id']}/accept")
    api.post(f"/v1/applications/{loser['id']}/reject")
    api.post(f"/v1/challenges/{challenge['id']}/close")
    api.post(f"/v1/challenges/{challenge['id']}/award")
    return {"chl": challenge["id"], "win": winner["id"], "lose": loser["id"]}


def _lifecycle_graphql(client) -> dict[str, str]:
    def run(document, **variables):
        return data(gql(client, document, variables or None))

    challenge = run(
        'mutation { createChallenge(input: {title: "Lifecycle", maxApplications: 3}) { id } }'
    )["createChallenge"]["id"]
    run(
        'mutation($id: ID!) { updateChallenge(id: $id, input: {summary: "Edited", '
        'metadata: {k: "v"}}) { id } publishChallenge(id: $id) { id } }',
        id=challenge,
    )
    applied = run(
        "mutation($c: ID!) { "
        'w: submitApplication(challenge: $c, input: {applicant: {name: "Ada", email: '
        '"ada@example.com"}, pitch: "Me."}) { id } '
        'l: submitApplication(challenge: $c, input: {applicant: {name: "Bob", email: '
        '"bob@example.com"}}) { id } }',
        c=challenge,
    )
    winner, loser = applied["w"]["id"], applied["l"]["id"]
    run(
        "mutation($w: ID!, $l: ID!) { updateApplication(id: $w, input: {score: 90}) { id } "
        "shortlistApplication(id: $w) { id } acceptApplication(id: $w) { id } "
        "rejectApplication(id: $l) { id } }",
        w=winner,
        l=loser,
    )
    run(
        "mutation($id: ID!) { closeChallenge(id: $id) { id } awardChallenge(id: $id) { id } }",
        id=challenge,
    )
    return {"chl": challenge, "win": winner, "lose": loser}


def test_a_whole_lifecycle_leaves_the_same_rows_and_events_as_rest(api, api_client, tenant):
    before = _rows(tenant)
    rest = _lifecycle_rest(api)
    middle = _rows(tenant)
    graphql = _lifecycle_graphql(api_client)
    after = _rows(tenant)

    assert {name: after[name] - middle[name] for name in after} == {
        name: middle[name] - before[name] for name in after
    }
    for name in ("chl", "win", "lose"):
        assert _events(tenant, graphql[name]) == _events(tenant, rest[name]), name
        path = "challenges" if name == "chl" else "applications"
        rest_now = api.get(f"/v1/{path}/{rest[name]}").json()
        graphql_now = api.get(f"/v1/{path}/{graphql[name]}").json()
        assert _stable(graphql_now) == _stable(rest_now)
        assert graphql_now["status"] == rest_now["status"]
