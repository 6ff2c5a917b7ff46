"""Applications (nested under challenges), their actions, messages and reviews."""

from datetime import UTC, datetime, timedelta

from api.v1.tests.support import problem
from events.models import Event
from marketplace.models import Application, Challenge, Review


def test_submit_list_and_retrieve_applications(api):
    # given
    challenge = api.open_challenge()
    # when
    application = api.application(
        challenge["id"],
        applicant={"name": "Ada", "email": "Ada@Example.com", "external_id": "u1"},
        links=["https://example.com/ada"],
    )
    # then
    assert application["id"].startswith("app_")
    assert application["challenge"] == challenge["id"]
    assert application["applicant"] == {
        "name": "Ada",
        "email": "ada@example.com",
        "external_id": "u1",
    }
    assert application["status"] == "submitted"
    listed = api.get(f"/v1/challenges/{challenge['id']}/applications").json()
    assert [a["id"] for a in listed["data"]] == [application["id"]]
    assert api.get(f"/v1/applications/{application['id']}").json() == application
    assert api.get("/v1/challenges/" + challenge["id"]).json()["application_count"] == 1


def test_expand_challenge_on_retrieve_and_list(api):
    challenge = api.open_challenge()
    application = api.application(challenge["id"])
    retrieved = api.get(f"/v1/applications/{application['id']}", expand="challenge").json()
    assert retrieved["challenge"]["id"] == challenge["id"]
    assert retrieved["challenge"]["object"] == "challenge"
    listed = api.get("/v1/applications", expand="challenge").json()
    assert listed["data"][0]["challenge"]["title"] == challenge["title"]
    problem(api.get(f"/v1/applications/{application['id']}", expand="nope"), 400)


def test_application_actions_and_status_events(api, in_schema, tenant):
    challenge = api.open_challenge()
    application = api.application(challenge["id"])
    path = f"/v1/applications/{application['id']}"
    assert api.post(f"{path}/shortlist").json()["status"] == "shortlisted"
    assert api.post(f"{path}/accept").json()["status"] == "accepted"
    body = problem(api.post(f"{path}/withdraw"), 409, "invalid_state_transition")
    assert body["allowed"] == []
    other = api.application(challenge["id"], email="bob@example.com")
    assert api.post(f"/v1/applications/{other['id']}/reject").json()["status"] == "rejected"
    third = api.application(challenge["id"], email="cy@example.com")
    assert api.post(f"/v1/applications/{third['id']}/withdraw").json()["status"] == "withdrawn"
    in_schema(tenant)
    assert Event.objects.filter(type="application.status_changed").count() == 4


def test_submitting_to_a_draft_is_422_and_writes_nothing(api, in_schema, tenant):
    challenge = api.challenge()
    response = api.post(
        f"/v1/challenges/{challenge['id']}/applications",
        {"applicant": {"name": "A", "email": "a@example.com"}},
    )
    problem(response, 422, "challenge_not_open")
    in_schema(tenant)
    assert not Application.objects.exists()
    assert Event.objects.count() == 1


def test_submitting_after_the_deadline_is_422(api, in_schema, tenant):
    deadline = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    challenge = api.open_challenge(deadline=deadline)
    in_schema(tenant)
    Challenge.objects.filter(pk=challenge["id"]).update(
        deadline=datetime.now(UTC) - timedelta(minutes=1)
    )
    response = api.post(
        f"/v1/challenges/{challenge['id']}/applications",
        {"applicant": {"name": "A", "email": "a@example.com"}},
    )
    problem(response, 422, "deadline_passed")


def test_max_applications_and_duplicates(api):
    challenge = api.open_challenge(max_applications=1)
    api.application(challenge["id"], email="a@example.com")
    again = api.post(
        f"/v1/challenges/{challenge['id']}/applications",
        {"applicant": {"name": "A", "email": "a@example.com"}},
    )
    problem(again, 422, "max_applications_reached")
    roomy = api.open_challenge()
    api.application(roomy["id"], email="a@example.com")
    duplicate = api.post(
        f"/v1/challenges/{roomy['id']}/applications",
        {"applicant": {"name": "A", "email": "A@example.com"}},
    )
    problem(duplicate, 409, "duplicate_application")


def test_application_validation(api):
    challenge = api.open_challenge()
    response = api.post(
        f"/v1/challenges/{challenge['id']}/applications",
        {"applicant": {"name": "A", "email": "not-an-email"}, "links": ["ftp:/x"]},
    )
    body = problem(response, 400, "validation_error")
    assert set(body["errors"]) == {"applicant", "links"}
    assert "email" in body["errors"]["applicant"]


def test_update_an_application(api):
    challenge = api.open_challenge()
    application = api.application(challenge["id"])
    path = f"/v1/applications/{application['id']}"
    updated = api.patch(path, {"score": 87, "pitch": "Better pitch"}).json()
    assert updated["score"] == 87 and updated["pitch"] == "Better pitch"
    api.post(f"{path}/shortlist")
    problem(api.patch(path, {"pitch": "Late"}), 422, "application_not_editable")
    problem(api.patch(path, {"score": 101}), 400, "validation_error")


def test_messages_on_an_application(api):
    challenge = api.open_challenge()
    application = api.application(challenge["id"])
    path = f"/v1/applications/{application['id']}/messages"
    created = api.post(path, {"author": "organisation", "body": "Hi!"})
    assert created.status_code == 201
    message = created.json()
    assert message["id"].startswith("msg_") and message["application"] == application["id"]
    api.post(path, {"author": "applicant", "body": "Hello"})
    listed = api.get(path).json()["data"]
    assert [m["author"] for m in listed] == ["applicant", "organisation"]
    assert api.get(path, author="organisation").json()["data"] == [message]
    assert api.get(f"/v1/messages/{message['id']}").json() == message
    expanded = api.get(f"/v1/messages/{message['id']}", expand="application").json()
    assert expanded["application"]["id"] == application["id"]
    assert len(api.get("/v1/messages", application=application["id"]).json()["data"]) == 2
    problem(api.post(path, {"author": "robot", "body": "x"}), 400, "validation_error")


def test_reviews_only_for_accepted_applications_and_once(api, in_schema, tenant):
    # given
    challenge = api.open_challenge()
    submitted = api.application(challenge["id"], email="s@example.com")
    accepted = api.accepted_application(challenge["id"])
    # when / then
    problem(
        api.post("/v1/reviews", {"application": submitted["id"], "rating": 5}),
        422,
        "application_not_accepted",
    )
    created = api.post("/v1/reviews", {"application": accepted["id"], "rating": 4, "comment": "ok"})
    assert created.status_code == 201
    review = created.json()
    assert review["id"].startswith("rev_") and review["rating"] == 4
    problem(
        api.post("/v1/reviews", {"application": accepted["id"], "rating": 5}), 409, "review_exists"
    )
    problem(api.post("/v1/reviews", {"application": accepted["id"], "rating": 6}), 400)
    problem(api.post("/v1/reviews", {"application": "app_missing", "rating": 3}), 404)
    assert api.get(f"/v1/reviews/{review['id']}").json() == review
    assert api.get("/v1/reviews", challenge=challenge["id"]).json()["data"] == [review]
    in_schema(tenant)
    assert Review.objects.count() == 1


def test_events_list_filter_and_retrieve(api):
    challenge = api.open_challenge()
    api.application(challenge["id"])
    events = api.get("/v1/events").json()["data"]
    assert [e["type"] for e in events] == [
        "application.submitted",
        "challenge.published",
        "challenge.created",
    ]
    assert all(e["object"] == "event" and e["id"].startswith("evt_") for e in events)
    only = api.get("/v1/events", type="challenge.*").json()["data"]
    assert [e["type"] for e in only] == ["challenge.published", "challenge.created"]
    exact = api.get("/v1/events", type="application.submitted,challenge.created").json()["data"]
    assert len(exact) == 2
    assert api.get(f"/v1/events/{events[0]['id']}").json() == events[0]
    assert events[0]["data"]["object"]["challenge"] == challenge["id"]
    problem(api.get("/v1/events/evt_missing"), 404)
