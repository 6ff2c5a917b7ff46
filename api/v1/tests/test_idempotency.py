"""Idempotency-Key on POST and PATCH: replay, reuse with another body, in flight."""

from types import SimpleNamespace

import pytest
from django.core.cache import cache
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from api import idempotency
from api.gateway import key_authenticate
from api.v1.tests.support import problem
from events.models import Event
from marketplace.models import Challenge


def test_same_key_and_body_replays_the_first_response(api, in_schema, tenant):
    # given
    first = api.post("/v1/challenges", {"title": "Once"}, Idempotency_Key="k-1")
    # when
    again = api.post("/v1/challenges", {"title": "Once"}, Idempotency_Key="k-1")
    # then
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert again["Location"] == first["Location"]
    assert again["X-Request-Id"] != first["X-Request-Id"]
    in_schema(tenant)
    assert Challenge.objects.count() == 1 and Event.objects.count() == 1


def test_key_order_and_whitespace_do_not_make_another_body(api):
    first = api.client.post(
        "/v1/challenges", '{"title": "A", "summary": "B"}', content_type="application/json",
        headers={"Idempotency-Key": "k-2"},
    )  # fmt: skip
    again = api.client.post(
        "/v1/challenges", '{"summary":"B","title":"A"}', content_type="application/json",
        headers={"Idempotency-Key": "k-2"},
    )  # fmt: skip
    assert again.json()["id"] == first.json()["id"]


def test_same_key_with_another_body_is_422(api, in_schema, tenant):
    api.post("/v1/challenges", {"title": "One"}, Idempotency_Key="k-3")
    problem(
        api.post("/v1/challenges", {"title": "Two"}, Idempotency_Key="k-3"),
        422,
        "idempotency_key_reused",
    )
    in_schema(tenant)
    assert list(Challenge.objects.values_list("title", flat=True)) == ["One"]


def test_same_key_on_another_route_is_422(api):
    challenge = api.challenge()
    api.post(f"/v1/challenges/{challenge['id']}/publish", Idempotency_Key="k-4")
    problem(
        api.post(f"/v1/challenges/{challenge['id']}/close", Idempotency_Key="k-4"),
        422,
        "idempotency_key_reused",
    )


def test_a_key_in_flight_is_409(api, live_key, tenant, in_schema):
    # given: the first request with this key and body holds it, as it does while it runs
    context = key_authenticate(live_key, host_tenant=None)
    in_schema(context.tenant)  # the cache is tenant-aware, like the request's
    cache.add(
        idempotency._cache_key(SimpleNamespace(api_key=context), "k-5"),
        {"state": "in_flight", "fingerprint": _fingerprint_of_post({"title": "T"})},
        60,
    )
    # when
    response = api.post("/v1/challenges", {"title": "T"}, Idempotency_Key="k-5")
    # then
    problem(response, 409, "idempotency_request_in_flight")
    in_schema(tenant)
    assert not Challenge.objects.exists()


def _fingerprint_of_post(body) -> str:
    """The fingerprint the server computes for POST /v1/challenges with ``body``."""
    django_request = APIRequestFactory().post("/v1/challenges", body, format="json")
    return idempotency.request_fingerprint(Request(django_request, parsers=[JSONParser()]))


def test_keys_are_scoped_to_the_api_key(api, sandbox_api):
    live = api.post("/v1/challenges", {"title": "T"}, Idempotency_Key="shared")
    sandbox = sandbox_api.post("/v1/challenges", {"title": "T"}, Idempotency_Key="shared")
    assert live.json()["id"] != sandbox.json()["id"]
    assert "Idempotent-Replayed" not in sandbox


def test_failed_requests_are_not_stored_so_a_retry_runs_again(api):
    challenge = api.challenge()
    path = f"/v1/challenges/{challenge['id']}/close"
    problem(api.post(path, Idempotency_Key="k-6"), 409)
    api.post(f"/v1/challenges/{challenge['id']}/publish")
    assert api.post(path, Idempotency_Key="k-6").json()["status"] == "closed"


def test_patch_is_idempotent_too(api, in_schema, tenant):
    challenge = api.challenge()
    path = f"/v1/challenges/{challenge['id']}"
    first = api.patch(path, {"title": "New"}, Idempotency_Key="k-7")
    again = api.patch(path, {"title": "New"}, Idempotency_Key="k-7")
    assert again["Idempotent-Replayed"] == "true" and again.json() == first.json()
    in_schema(tenant)
    assert Event.objects.filter(type="challenge.updated").count() == 1


@pytest.mark.parametrize("bad_key", ["", "has space", "x" * 256, "é"])
def test_malformed_keys_are_400(api, bad_key):
    problem(
        api.client.post(
            "/v1/challenges", '{"title": "T"}', content_type="application/json",
            headers={"Idempotency-Key": bad_key},
        ),
        400,
        "invalid_idempotency_key",
    )  # fmt: skip


def test_records_expire_after_24_hours(api, live_key):
    api.post("/v1/challenges", {"title": "T"}, Idempotency_Key="k-8")
    context = key_authenticate(live_key, host_tenant=None)
    from django.db import connection

    connection.set_tenant(context.tenant)
    try:
        ttl = cache.ttl(idempotency._cache_key(SimpleNamespace(api_key=context), "k-8"))
    finally:
        connection.set_schema_to_public()
    assert 24 * 3600 - 60 < ttl <= 24 * 3600
