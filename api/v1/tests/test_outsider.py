"""The outsider matrix: another tenant's key reaches none of this tenant's objects.

On the shared API host the key picks the tenant, so an outsider's key runs in the outsider's
schema and every id of ours is simply not there: 404, and nothing changes. On our own host the
outsider's key is refused outright (401).
"""

from datetime import timedelta

import pytest
from django.db import connection

from api.v1.tests.support import Api, problem
from billing.models import Invoice, Subscription
from billing.selectors import period_bounds
from events.models import Event
from marketplace.models import Application, Challenge, Message, Review


@pytest.fixture
def objects(api_host, tenant):
    """One of each object in the tenant's live data, created through the shared API host, and
    an invoice of the tenant (public schema; invoices are made by the period close only)."""
    start, end = period_bounds(period_bounds()[0] - timedelta(days=1))
    invoice = Invoice.objects.create(organisation=tenant, period_start=start, period_end=end)
    return api_host.one_of_each(rating=5) | {"inv": invoice.public_id}


ROUTES = [
    ("get", "/v1/challenges/{chl}", None),
    ("patch", "/v1/challenges/{chl}", {"title": "Hijacked"}),
    ("delete", "/v1/challenges/{chl}", None),
    ("post", "/v1/challenges/{chl}/publish", None),
    ("post", "/v1/challenges/{chl}/close", None),
    ("post", "/v1/challenges/{chl}/award", None),
    ("post", "/v1/challenges/{chl}/cancel", None),
    ("get", "/v1/challenges/{chl}/applications", None),
    (
        "post",
        "/v1/challenges/{chl}/applications",
        {"applicant": {"name": "Eve", "email": "eve@example.com"}},
    ),
    ("get", "/v1/applications/{app}", None),
    ("patch", "/v1/applications/{app}", {"score": 1}),
    ("post", "/v1/applications/{app}/shortlist", None),
    ("post", "/v1/applications/{app}/accept", None),
    ("post", "/v1/applications/{app}/reject", None),
    ("post", "/v1/applications/{app}/withdraw", None),
    ("get", "/v1/applications/{app}/messages", None),
    ("post", "/v1/applications/{app}/messages", {"author": "applicant", "body": "Eve"}),
    ("get", "/v1/messages/{msg}", None),
    ("get", "/v1/reviews/{rev}", None),
    ("post", "/v1/reviews", {"application": "{app}", "rating": 1}),
    ("get", "/v1/events/{evt}", None),
    # shaped and expanded reads reach no further
    ("get", "/v1/challenges/{chl}?fields=title", None),
    ("get", "/v1/applications/{app}?expand=challenge", None),
    ("get", "/v1/messages/{msg}?expand=application", None),
    ("get", "/v1/reviews/{rev}?expand=application&fields=application", None),
    ("get", "/v1/challenges/{chl}/applications?expand=challenge", None),
    ("get", "/v1/applications/{app}/messages?expand=application", None),
    # billing: the organisation's invoices
    ("get", "/v1/invoices/{inv}", None),
    ("get", "/v1/invoices/{inv}/pdf", None),
]


def _snapshot(tenant) -> dict:
    connection.set_tenant(tenant)
    try:
        return {
            model.__name__: sorted(map(repr, model.objects.values()))
            for model in (Challenge, Application, Message, Review, Event, Invoice, Subscription)
        }
    finally:
        connection.set_schema_to_public()


def _call(api: Api, method: str, path: str, body):
    if method == "get":
        return api.get(path)
    if method == "delete":
        return api.delete(path)
    return getattr(api, method)(path, body)


def _fill(template, objects):
    if isinstance(template, dict):
        return {key: _fill(value, objects) for key, value in template.items()}
    if isinstance(template, str):
        return template.format(**objects)
    return template


@pytest.mark.parametrize(("method", "path", "body"), ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES])
def test_outsider_key_on_the_api_host_gets_404_and_changes_nothing(
    objects, outsider_api_host, tenant, other_tenant, method, path, body
):
    # given
    before, other_before = _snapshot(tenant), _snapshot(other_tenant)
    # when
    response = _call(outsider_api_host, method, _fill(path, objects), _fill(body, objects))
    # then
    problem(response, 404, "not_found")
    assert _snapshot(tenant) == before
    assert _snapshot(other_tenant) == other_before


def test_outsider_batch_operations_are_404_each(objects, outsider_api_host, tenant):
    before = _snapshot(tenant)
    operations = [
        {"method": method.upper(), "path": _fill(path, objects), "body": _fill(body, objects)}
        for method, path, body in ROUTES
    ]
    response = outsider_api_host.post("/v1/batch", {"operations": operations})
    assert response.status_code == 200
    assert [result["status"] for result in response.json()["results"]] == [404] * len(ROUTES)
    assert _snapshot(tenant) == before


@pytest.mark.parametrize(("method", "path", "body"), ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES])
def test_outsider_key_on_our_host_is_401_and_changes_nothing(
    objects, api_client_factory, other_live_key, tenant, method, path, body
):
    before = _snapshot(tenant)
    intruder = Api(api_client_factory(other_live_key))
    problem(_call(intruder, method, _fill(path, objects), _fill(body, objects)), 401)
    assert _snapshot(tenant) == before


def test_outsider_lists_show_none_of_our_data(objects, outsider_api_host):
    for path in (
        "/v1/challenges",
        "/v1/applications?expand=challenge",
        "/v1/messages?expand=application",
        "/v1/reviews?expand=application",
        # the outsider's own organisation has billing events (its subscription): ours are these
        "/v1/events?type=challenge.*,application.*,message.*,review.*",
        "/v1/invoices",
    ):
        assert outsider_api_host.get(path).json()["data"] == [], path
