"""Challenge endpoints: CRUD, state actions, validation and business-rule errors."""

from datetime import UTC, datetime, timedelta

import pytest

from api.v1.tests.support import problem
from events.models import Event
from marketplace.models import Challenge


def test_create_renders_the_challenge_and_emits_an_event_with_the_request_id(
    api, in_schema, tenant
):
    # given
    body = {
        "title": "Fix the flaky test",
        "summary": "CI fails one run in ten.",
        "category": "bounty",
        "tags": ["Testing", "python"],
        "skills": ["pytest"],
        "reward": {"amount": 50000, "currency": "USD"},
        "deadline": "2099-01-31T23:59:59Z",
        "location": "Berlin",
        "remote": True,
        "max_applications": 20,
        "metadata": {"team": "platform"},
    }
    # when
    response = api.post("/v1/challenges", body)
    # then
    assert response.status_code == 201, response.content
    challenge = response.json()
    assert challenge["id"].startswith("chl_")
    assert response["Location"] == f"/v1/challenges/{challenge['id']}"
    assert challenge["object"] == "challenge" and challenge["livemode"] is True
    assert challenge["status"] == "draft"
    assert challenge["tags"] == ["testing", "python"]
    assert challenge["reward"] == {"amount": 50000, "currency": "usd"}
    assert challenge["deadline"] == "2099-01-31T23:59:59Z"
    assert challenge["remote"] is True and challenge["location"] == "Berlin"
    in_schema(tenant)
    event = Event.objects.get()
    assert event.type == "challenge.created"
    assert event.data == challenge
    assert event.request_id == response["X-Request-Id"]


def test_retrieve_update_and_delete_a_draft(api, in_schema, tenant):
    challenge = api.challenge(metadata={"a": "1", "b": "2"})
    path = f"/v1/challenges/{challenge['id']}"

    assert api.get(path).json() == challenge
    updated = api.patch(
        path, {"title": "Renamed", "metadata": {"a": None, "c": "3"}, "reward": None}
    )
    assert updated.status_code == 200, updated.content
    assert updated.json()["title"] == "Renamed"
    assert updated.json()["metadata"] == {"b": "2", "c": "3"}

    deleted = api.delete(path)
    assert deleted.json() == {"id": challenge["id"], "object": "challenge", "deleted": True}
    problem(api.get(path), 404, "not_found")
    in_schema(tenant)
    assert list(Event.objects.order_by("id").values_list("type", flat=True)) == [
        "challenge.created",
        "challenge.updated",
        "challenge.deleted",
    ]


def test_lifecycle_through_the_state_actions(api):
    challenge = api.open_challenge()
    assert challenge["status"] == "open" and challenge["published_at"] is not None
    api.accepted_application(challenge["id"])
    closed = api.post(f"/v1/challenges/{challenge['id']}/close").json()
    assert closed["status"] == "closed"
    awarded = api.post(f"/v1/challenges/{challenge['id']}/award").json()
    assert awarded["status"] == "awarded" and awarded["awarded_at"] is not None


def test_cancel(api):
    challenge = api.open_challenge()
    cancelled = api.post(f"/v1/challenges/{challenge['id']}/cancel")
    assert cancelled.json()["status"] == "cancelled"


def test_illegal_transition_is_409_naming_the_allowed_ones_and_changes_nothing(
    api, in_schema, tenant
):
    # given
    challenge = api.challenge()
    # when
    response = api.post(f"/v1/challenges/{challenge['id']}/award")
    # then
    body = problem(response, 409, "invalid_state_transition")
    assert body["allowed"] == ["publish", "cancel"]
    assert body["current_status"] == "draft"
    in_schema(tenant)
    assert Challenge.objects.get(pk=challenge["id"]).status == "draft"
    assert Event.objects.count() == 1


def test_deleting_a_published_challenge_is_a_conflict(api):
    challenge = api.open_challenge()
    problem(api.delete(f"/v1/challenges/{challenge['id']}"), 409, "invalid_state_transition")


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, ["title"]),
        ({"title": ""}, ["title"]),
        ({"title": "x" * 201}, ["title"]),
        ({"title": "T", "category": "lottery"}, ["category"]),
        ({"title": "T", "reward": {"amount": -1, "currency": "usd"}}, ["reward"]),
        ({"title": "T", "reward": {"amount": 1, "currency": "dollars"}}, ["reward"]),
        ({"title": "T", "tags": ["ok", "not,ok"]}, ["tags"]),
        ({"title": "T", "tags": ["t"] * 21}, ["tags"]),
        ({"title": "T", "deadline": "tomorrow"}, ["deadline"]),
        ({"title": "T", "max_applications": 0}, ["max_applications"]),
        ({"title": "T", "metadata": {"k": 1}}, ["metadata"]),
        ({"title": "T", "metadata": {"k" * 41: "v"}}, ["metadata"]),
        ({"title": "T", "metadata": {f"k{i}": "v" for i in range(51)}}, ["metadata"]),
    ],
)
def test_validation_errors_are_400_with_per_field_errors(api, in_schema, tenant, body, fields):
    body_out = problem(api.post("/v1/challenges", body), 400, "validation_error")
    assert sorted(body_out["errors"]) == fields
    in_schema(tenant)
    assert not Challenge.objects.exists() and not Event.objects.exists()


def test_a_nul_character_in_the_body_is_refused_at_parse_time(api, in_schema, tenant):
    # PostgreSQL text cannot hold NUL: core.safejson refuses it before any serializer runs.
    problem(api.post("/v1/challenges", {"title": "T\x00"}), 400, "invalid_json")
    in_schema(tenant)
    assert not Challenge.objects.exists() and not Event.objects.exists()


def test_a_past_deadline_is_a_business_rule_violation(api):
    past = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    body = problem(api.post("/v1/challenges", {"title": "T", "deadline": past}), 422)
    assert body["code"] == "deadline_in_past"


def test_closed_challenges_take_metadata_only(api):
    challenge = api.open_challenge()
    api.post(f"/v1/challenges/{challenge['id']}/close")
    path = f"/v1/challenges/{challenge['id']}"
    problem(api.patch(path, {"title": "New"}), 422, "challenge_not_editable")
    assert api.patch(path, {"metadata": {"k": "v"}}).json()["metadata"] == {"k": "v"}


def test_award_without_an_accepted_application_is_422(api):
    challenge = api.open_challenge()
    api.post(f"/v1/challenges/{challenge['id']}/close")
    problem(api.post(f"/v1/challenges/{challenge['id']}/award"), 422, "no_accepted_application")


@pytest.mark.parametrize(
    "path",
    ["/v1/challenges/chl_nope", "/v1/challenges/chl_nope/publish", "/v1/challenges/" + "x" * 300],
)
def test_unknown_ids_are_404(api, path):
    response = api.post(path) if path.endswith("publish") else api.get(path)
    problem(response, 404, "not_found")


def test_unknown_routes_are_404_problems(api):
    problem(api.get("/v1/nothing-here"), 404)
    problem(api.get("/v1/challenges/chl_x/explode"), 404)


def test_wrong_method_is_405_with_allow(api):
    response = api.client.put("/v1/challenges", "{}", content_type="application/json")
    problem(response, 405, "method_not_allowed")
    assert set(response["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}


def test_non_json_body_is_415(api, in_schema, tenant):
    response = api.client.post("/v1/challenges", "title=x", content_type="text/plain")
    problem(response, 415, "unsupported_media_type")
    in_schema(tenant)
    assert not Challenge.objects.exists()


def test_malformed_json_is_400(api):
    response = api.client.post("/v1/challenges", "{not json", content_type="application/json")
    problem(response, 400)


def test_oversized_body_is_413_and_writes_nothing(api, in_schema, tenant, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = api.post("/v1/challenges", {"title": "T", "description": "x" * 2000})
    problem(response, 413, "payload_too_large")
    in_schema(tenant)
    assert not Challenge.objects.exists()


def test_missing_key_is_401(api_client_factory):
    client = api_client_factory(None)
    problem(client.get("/v1/challenges"), 401)


def test_read_only_key_cannot_write(api_client_factory, tenant, in_schema):
    # given
    from apikeys.services import api_key_create

    key = api_key_create(tenant=tenant, name="ro", scopes=["challenges:read"]).secret
    client = api_client_factory(key)
    # when
    response = client.post("/v1/challenges", '{"title": "x"}', content_type="application/json")
    # then
    problem(response, 403, "insufficient_scope")
    assert client.get("/v1/challenges").status_code == 200
    in_schema(tenant)
    assert not Challenge.objects.exists()


def test_server_errors_are_500_problems_without_internals(api, monkeypatch):
    from marketplace import services

    def explode(**kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(services, "challenge_create", explode)
    response = api.post("/v1/challenges", {"title": "T"})
    body = problem(response, 500, "internal_error")
    assert b"secret internals" not in response.content and "Traceback" not in body["detail"]


def test_over_the_rate_limit_is_429_and_writes_nothing(api_client_factory, in_schema):
    # given a tenant whose plan allows a burst of 2
    import uuid

    from billing.models import Plan
    from organisations.services import organisation_provision

    plan = Plan.objects.create(
        code=f"tiny-{uuid.uuid4().hex[:8]}", name="Tiny", rate_per_second=1, burst=2
    )
    slug = f"rl-{uuid.uuid4().hex[:8]}"
    provisioned = organisation_provision(
        slug=slug, name="RL", plan_code=plan.code, owner_email=f"{slug}@example.com"
    )
    client = api_client_factory(provisioned.live_key, host=f"{slug}.localhost")
    # when
    statuses = [
        client.post("/v1/challenges", '{"title": "T"}', content_type="application/json")
        for _ in range(4)
    ]
    # then
    refused = [response for response in statuses if response.status_code == 429]
    assert refused, [response.status_code for response in statuses]
    body = problem(refused[0], 429, "rate_limited")
    assert body["plan"] == plan.code and "Retry-After" in refused[0]
    in_schema(provisioned.tenant)
    assert Challenge.objects.count() == 4 - len(refused)


def test_a_failure_after_the_write_leaves_nothing_behind(api, in_schema, tenant, monkeypatch):
    # given: the outbox write fails after the challenge row was inserted
    from marketplace import services

    def outbox_down(**kwargs):
        raise RuntimeError("outbox unavailable")

    monkeypatch.setattr(services, "event_emit", outbox_down)
    # when
    response = api.post("/v1/challenges", {"title": "Half"}, Idempotency_Key="half-1")
    # then: the row went with the failed transaction, and a retry is not answered from cache
    problem(response, 500, "internal_error")
    in_schema(tenant)
    assert not Challenge.objects.exists() and not Event.objects.exists()
    monkeypatch.undo()
    retried = api.post("/v1/challenges", {"title": "Half"}, Idempotency_Key="half-1")
    assert retried.status_code == 201 and "Idempotent-Replayed" not in retried
