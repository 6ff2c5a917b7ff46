"""Sandbox (test key) and live data never mix."""

from api.v1.tests.support import problem


def test_sandbox_and_live_data_are_separate(api, sandbox_api):
    # given
    live = api.open_challenge(title="Live one")
    sandbox = sandbox_api.open_challenge(title="Sandbox one")
    sandbox_application = sandbox_api.application(sandbox["id"])
    # then: each side sees its own objects only, flagged accordingly
    assert live["livemode"] is True and sandbox["livemode"] is False
    assert [c["id"] for c in api.get("/v1/challenges").json()["data"]] == [live["id"]]
    assert [c["id"] for c in sandbox_api.get("/v1/challenges").json()["data"]] == [sandbox["id"]]
    problem(api.get(f"/v1/challenges/{sandbox['id']}"), 404)
    problem(sandbox_api.get(f"/v1/challenges/{live['id']}"), 404)
    problem(api.post(f"/v1/applications/{sandbox_application['id']}/shortlist"), 404)
    problem(
        api.post(
            f"/v1/challenges/{sandbox['id']}/applications",
            {"applicant": {"name": "A", "email": "a@example.com"}},
        ),
        404,
    )
    live_events = api.get("/v1/events").json()["data"]
    sandbox_events = sandbox_api.get("/v1/events").json()["data"]
    assert {e["livemode"] for e in live_events} == {True}
    assert {e["livemode"] for e in sandbox_events} == {False}
    assert {e["data"]["object"]["id"] for e in live_events} == {live["id"]}
    assert sandbox_api.get("/v1/applications").json()["data"][0]["id"] == sandbox_application["id"]
    assert api.get("/v1/applications").json()["data"] == []


def test_a_batch_with_a_test_key_runs_in_the_sandbox(api, sandbox_api):
    response = sandbox_api.post(
        "/v1/batch",
        {"operations": [{"method": "POST", "path": "/v1/challenges", "body": {"title": "S"}}]},
    )
    created = response.json()["results"][0]["body"]
    assert created["livemode"] is False
    assert api.get("/v1/challenges").json()["data"] == []
