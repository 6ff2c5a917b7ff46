"""Cursors are client input: a forged one is a 400 ``invalid_cursor``, never a 500.

``cursor_decode`` must refuse everything ``cursor_encode`` would not have produced — values of
the wrong kind, ``NaN``/``Infinity``, NUL and unpaired surrogates, time-zone offsets PostgreSQL
refuses, integers beyond bigint, cut-off base64 — because whatever it lets through goes into a
row-value comparison that only fails in the database. The properties are tried with cursors
forged the way ``cursor_encode`` builds them (``hostile.forged_cursor``) on every ordering, then
over HTTP on every list route of the OpenAPI document.
"""

import base64
import json

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.gateway import rate_limit_reset
from api.v1.challenges import CHALLENGE_ORDERINGS, SEARCH_RANK
from api.v1.pagination import InvalidCursorError, cursor_decode, paginate
from api.v1.tests.hostile import forged_cursor
from api.v1.tests.support import problem
from marketplace import selectors

ORDERINGS = [*CHALLENGE_ORDERINGS.values(), SEARCH_RANK]
ORDERING_KINDS = {o.name: tuple(key.kind for key in o.keys) for o in ORDERINGS}
HYPOTHESIS = settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def _cursor(payload_text: str) -> str:
    return base64.urlsafe_b64encode(payload_text.encode()).decode().rstrip("=")


@pytest.fixture
def challenges(api):
    return [api.challenge(title=f"Cursor {index}", reward={"amount": index, "currency": "usd"})
            for index in range(3)]  # fmt: skip


@pytest.mark.parametrize(
    ("ordering", "payload"),
    [
        ("-created_at", '{"o":"-created_at","v":[Infinity]}'),
        ("-created_at", '{"o":"-created_at","v":[NaN]}'),
        ("-created_at", '{"o":"-created_at","v":["chl_\\u0000"]}'),
        ("-created_at", '{"o":"-created_at","v":["\\ud800"]}'),
        ("-created_at", '{"o":"\\ud800","v":["chl_1"]}'),
        ("-created_at", '{"o":"-created_at","v":[1]}'),
        ("-created_at", '{"o":"-created_at","v":[null]}'),
        ("-created_at", '{"o":"-created_at","v":[["chl_1"]]}'),
        ("-created_at", '{"o":"-created_at","v":"chl_1"}'),
        ("-created_at", '{"o":"-created_at","v":["chl_1"],"x":1}'),
        ("-created_at", '["-created_at",["chl_1"]]'),
        ("-created_at", '{"o":"-created_at","v":["' + "x" * 300 + '"]}'),
        ("deadline", '{"o":"deadline","v":["2026-01-01T00:00:00+23:59","chl_1"]}'),
        ("deadline", '{"o":"deadline","v":["0001-01-01T00:00:00+01:00","chl_1"]}'),
        ("deadline", '{"o":"deadline","v":["9999-12-31T23:59:59-01:00","chl_1"]}'),
        ("deadline", '{"o":"deadline","v":["2026-01-01T00:00:00","chl_1"]}'),
        ("deadline", '{"o":"deadline","v":[1767225600,"chl_1"]}'),
        ("reward_amount", '{"o":"reward_amount","v":[1e400,"chl_1"]}'),
        ("reward_amount", '{"o":"reward_amount","v":[' + "9" * 30 + ',"chl_1"]}'),
        ("reward_amount", '{"o":"reward_amount","v":[' + "9" * 700 + ',"chl_1"]}'),
        ("reward_amount", '{"o":"reward_amount","v":[true,"chl_1"]}'),
        ("reward_amount", '{"o":"reward_amount","v":["5","chl_1"]}'),
    ],
)
def test_forged_cursors_of_the_issue_are_400_invalid_cursor(api, challenges, ordering, payload):
    response = api.get("/v1/challenges", ordering=ordering, cursor=_cursor(payload))

    body = problem(response, 400, "invalid_cursor")
    assert body["errors"]["cursor"] and "next_cursor" in body["detail"]


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        "eyJvIjoiLWNyZWF0ZWRfYXQiLCJ2IjpbMV19",
        "eyJvIjoiLWNyZWF0",
        "e",
        "é",
        "a%b",
        "====",
    ],
)
def test_cursors_that_are_not_ours_are_400_invalid_cursor(api, challenges, cursor):
    problem(api.get("/v1/challenges", cursor=cursor), 400, "invalid_cursor")


def test_a_real_cursor_still_pages_in_every_ordering(api, challenges):
    for name in CHALLENGE_ORDERINGS:
        first = api.get("/v1/challenges", ordering=name, limit=1).json()
        second = api.get("/v1/challenges", ordering=name, limit=1, cursor=first["next_cursor"])
        assert second.status_code == 200, (name, second.content)
        assert second.json()["data"][0]["id"] != first["data"][0]["id"]


@HYPOTHESIS
@given(data=st.data())
def test_no_forged_cursor_fails_in_the_database(tenant, in_schema, data):
    """The property behind the 400s: whatever cursor_decode returns, PostgreSQL can compare."""
    ordering = data.draw(st.sampled_from(ORDERINGS))
    cursor = data.draw(forged_cursor(ORDERING_KINDS))
    in_schema(tenant)
    try:
        values = cursor_decode(ordering, cursor)
    except InvalidCursorError:
        return
    # A cursor that decodes must be usable: the page query runs (inside a savepoint, so that a
    # database error fails this example instead of breaking the test's transaction).
    queryset = selectors.challenge_list(search="cursor" if ordering is SEARCH_RANK else None)
    with transaction.atomic():
        paginate(queryset, ordering=ordering, limit=2, cursor=cursor)
    assert len(values) == len(ordering.keys)


def _list_routes(api, ids: dict) -> list[str]:
    """Every GET route of the OpenAPI document that takes ``cursor``, its path filled in."""
    document = api.get("/v1/openapi.json").json()
    routes = []
    for path, item in document["paths"].items():
        operation = item.get("get")
        if operation and any(p["name"] == "cursor" for p in operation.get("parameters", [])):
            routes.append(path.format(**ids))
    return routes


@pytest.fixture
def list_routes(api):
    made = api.one_of_each()
    ids = {
        "challenge_id": made["chl"],
        "application_id": made["app"],
        "endpoint_id": "we_01JUNKJUNKJUNKJUNKJUNKJUNK",
        "delivery_id": "wd_01JUNKJUNKJUNKJUNKJUNKJUNK",
    }
    return _list_routes(api, ids)


def test_every_list_route_is_covered(list_routes):
    assert len(list_routes) >= 13, list_routes


@HYPOTHESIS
@given(data=st.data())
def test_forged_cursors_on_every_list_route_are_400_never_500(api, tenant, list_routes, data):
    # given
    rate_limit_reset(organisation_id=tenant.pk)
    path = data.draw(st.sampled_from(list_routes))
    cursor = data.draw(forged_cursor(ORDERING_KINDS))

    # when
    response = api.get(path, cursor=cursor)

    # then: a 404 only where the route's parent is a placeholder id (webhook routes)
    if response.status_code == 200:
        assert json.loads(response.content)["object"] == "list"
    elif "JUNK" in path and response.status_code == 404:
        problem(response, 404, "not_found")
    else:
        body = problem(response, 400)
        assert body["code"] in ("invalid_cursor", "validation_error"), body
