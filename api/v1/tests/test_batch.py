"""POST /v1/batch: up to 100 operations, each answered on its own, optionally all-or-nothing."""

from unittest import mock

import pytest

from api import bases
from api.v1.tests.support import problem
from events.models import Event
from marketplace.models import Challenge


def test_operations_are_answered_one_by_one(api):
    # given
    existing = api.challenge()
    operations = [
        {"method": "POST", "path": "/v1/challenges", "body": {"title": "From a batch"}},
        {"method": "GET", "path": f"/v1/challenges/{existing['id']}"},
        {"method": "POST", "path": f"/v1/challenges/{existing['id']}/award"},
        {"method": "GET", "path": "/v1/challenges?limit=1&fields=title"},
        {"method": "PATCH", "path": f"/v1/challenges/{existing['id']}", "body": {"title": ""}},
        {"method": "GET", "path": "/v1/nowhere"},
        {"method": "DELETE", "path": f"/v1/challenges/{existing['id']}"},
    ]
    # when
    response = api.post("/v1/batch", {"operations": operations})
    # then
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["object"] == "batch" and body["committed"] is True
    statuses = [result["status"] for result in body["results"]]
    assert statuses == [201, 200, 409, 200, 400, 404, 200]
    results = body["results"]
    assert results[0]["body"]["title"] == "From a batch"
    assert results[2]["body"]["code"] == "invalid_state_transition"
    assert results[3]["body"]["data"][0] == {
        "id": results[0]["body"]["id"],
        "object": "challenge",
        "title": "From a batch",
    }
    assert "title" in results[4]["body"]["errors"]
    assert results[6]["body"]["deleted"] is True


def test_atomic_batch_rolls_everything_back_when_one_operation_fails(api, in_schema, tenant):
    # given
    operations = [
        {"method": "POST", "path": "/v1/challenges", "body": {"title": "One"}},
        {"method": "POST", "path": "/v1/challenges", "body": {"title": "Two"}},
        {"method": "POST", "path": "/v1/challenges/chl_missing/publish"},
        {"method": "POST", "path": "/v1/challenges", "body": {"title": "Three"}},
    ]
    # when
    response = api.post("/v1/batch", {"atomic": True, "operations": operations})
    # then
    body = response.json()
    assert body["committed"] is False
    assert [r["status"] for r in body["results"]] == [424, 424, 404, 424]
    assert [r["body"]["code"] for r in body["results"]] == [
        "rolled_back",
        "rolled_back",
        "not_found",
        "not_executed",
    ]
    in_schema(tenant)
    assert not Challenge.objects.exists()
    assert not Event.objects.exists()


def test_atomic_batch_commits_when_all_succeed(api, in_schema, tenant):
    challenge = api.challenge()
    operations = [
        {"method": "POST", "path": f"/v1/challenges/{challenge['id']}/publish"},
        {
            "method": "POST",
            "path": f"/v1/challenges/{challenge['id']}/applications",
            "body": {"applicant": {"name": "A", "email": "a@example.com"}},
        },
    ]
    body = api.post("/v1/batch", {"atomic": True, "operations": operations}).json()
    assert body["committed"] is True
    assert [r["status"] for r in body["results"]] == [200, 201]
    in_schema(tenant)
    assert Challenge.objects.get().application_count == 1


def test_each_operation_is_metered_as_a_call_and_the_envelope_is_not_billed(api):
    operations = [{"method": "GET", "path": "/v1/challenges"}] * 3
    with mock.patch.object(bases, "usage_record", wraps=bases.usage_record) as record:
        response = api.post("/v1/batch", {"operations": operations})
    assert response.status_code == 200
    calls = [(call.kwargs["route"], call.kwargs["is_billable"]) for call in record.call_args_list]
    assert calls.count(("/v1/challenges", True)) == 3
    assert [billable for route, billable in calls if route.endswith("batch")] == [False]


@pytest.mark.parametrize(
    "body",
    [
        {"operations": []},
        {"operations": [{"method": "GET", "path": "/v1/challenges"}] * 101},
        {"operations": [{"method": "PUT", "path": "/v1/challenges"}]},
        {"operations": [{"method": "GET", "path": "https://evil.example/v1/x"}]},
        {"operations": [{"method": "GET", "path": "/admin/"}]},
        {},
    ],
)
def test_invalid_batches_are_400(api, body):
    problem(api.post("/v1/batch", body), 400, "validation_error")


def test_batches_do_not_nest(api):
    body = api.post(
        "/v1/batch",
        {"operations": [{"method": "POST", "path": "/v1/batch", "body": {"operations": []}}]},
    ).json()
    assert body["results"][0]["status"] == 400
    assert body["results"][0]["body"]["code"] == "nested_batch"


def test_operations_need_their_own_scopes(api_client_factory, tenant, in_schema):
    from api.v1.tests.support import Api
    from apikeys.services import api_key_create

    key = api_key_create(tenant=tenant, name="ro", scopes=["challenges:read"]).secret
    reader = Api(api_client_factory(key))
    body = reader.post(
        "/v1/batch",
        {"operations": [{"method": "POST", "path": "/v1/challenges", "body": {"title": "x"}}]},
    ).json()
    assert body["results"][0]["status"] == 403
    in_schema(tenant)
    assert not Challenge.objects.exists()
