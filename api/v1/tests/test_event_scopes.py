"""Events carry the object they are about, so reading one needs that object family's read scope
besides ``events:read`` — the rule ``expand`` follows (issue 8, item 4: the class, not the one
route). Lists hold only what the key may read; a retrieve of anything else is 403."""

import pytest

from apikeys.scopes import EVENT_SCOPE_FAMILIES
from apikeys.services import api_key_create
from core.testing import problem

pytestmark = pytest.mark.django_db

READ_SCOPES = sorted({f"{family}:read" for family in EVENT_SCOPE_FAMILIES.values()})


@pytest.fixture
def events_of_every_family(api):
    """A challenge.created and an application.submitted event (and the ids of every event)."""
    challenge = api.post("/v1/challenges", {"title": "Scoped", "category": "bounty"}).json()
    assert api.post(f"/v1/challenges/{challenge['id']}/publish").status_code == 200
    applied = api.post(
        f"/v1/challenges/{challenge['id']}/applications",
        {"applicant": {"name": "Ann", "email": "ann@example.com"}, "pitch": "Me"},
    )
    assert applied.status_code == 201, applied.content
    events = api.get("/v1/events", limit=100).json()["data"]
    return {event["type"]: event["id"] for event in events}


@pytest.mark.parametrize("granted", READ_SCOPES)
def test_a_list_holds_only_the_families_the_key_may_read(
    api_client_factory, tenant, events_of_every_family, granted
):
    # given
    key = api_key_create(tenant=tenant, name="events", scopes=["events:read", granted]).secret

    # when
    listed = api_client_factory(key).get("/v1/events", {"limit": 100}).json()["data"]

    # then
    readable = {p for p, family in EVENT_SCOPE_FAMILIES.items() if f"{family}:read" == granted}
    for event in listed:
        assert event["type"].split(".", 1)[0] in readable, event["type"]
    expected = {t for t in events_of_every_family if t.split(".", 1)[0] in readable}
    assert expected <= {event["type"] for event in listed}


def test_a_list_with_events_read_alone_reveals_no_object(
    api_client_factory, tenant, events_of_every_family
):
    key = api_key_create(tenant=tenant, name="events", scopes=["events:read"]).secret

    listed = api_client_factory(key).get("/v1/events", {"limit": 100}).json()["data"]

    assert listed == []


@pytest.mark.parametrize(
    ("event_type", "required"),
    [("application.submitted", "applications:read"), ("challenge.created", "challenges:read")],
)
def test_a_retrieve_needs_the_scope_of_the_events_object(
    api_client_factory, tenant, events_of_every_family, event_type, required
):
    # given a key that may read events and everything but the event's family
    others = [scope for scope in READ_SCOPES if scope != required]
    key = api_key_create(tenant=tenant, name="events", scopes=["events:read", *others]).secret
    event_id = events_of_every_family[event_type]

    # when
    response = api_client_factory(key).get(f"/v1/events/{event_id}")

    # then
    assert problem(response, 403, "insufficient_scope")["required_scope"] == required
    allowed = api_key_create(tenant=tenant, name="ok", scopes=["events:read", required]).secret
    assert api_client_factory(allowed).get(f"/v1/events/{event_id}").status_code == 200


def test_a_full_access_key_reads_every_event(api, events_of_every_family):
    listed = {event["type"] for event in api.get("/v1/events", limit=100).json()["data"]}

    assert {"challenge.created", "challenge.published", "application.submitted"} <= listed
