"""The request context carries the request id to the outbox without services passing it."""

import threading

import pytest

from core.context import (
    request_context,
    request_context_bound,
    request_context_reset,
    request_context_set,
    request_context_update,
)
from events.services import event_emit

pytestmark = pytest.mark.django_db


def test_an_event_takes_the_request_id_of_the_context(in_schema, tenant):
    in_schema(tenant)

    with request_context_bound(request_id="req_fromcontext"):
        event = event_emit(type="challenge.created", data={"object": {}})

    assert event.request_id == "req_fromcontext"
    assert event_emit(type="challenge.created", data={"object": {}}).request_id == ""


def test_an_update_lasts_until_the_bound_block_ends():
    with request_context_bound(request_id="req_outer"):
        request_context_update(actor="api_key:key_1")
        assert (request_context().request_id, request_context().actor) == (
            "req_outer",
            "api_key:key_1",
        )
    assert request_context().request_id == request_context().actor == ""


def test_threads_do_not_share_a_context():
    seen = []
    with request_context_bound(request_id="req_main"):
        thread = threading.Thread(target=lambda: seen.append(request_context().request_id))
        thread.start()
        thread.join()
    assert seen == [""]


def test_an_api_call_binds_its_response_request_id(api_client, tenant):
    # given a view that emits an event through services that pass no request id
    response = api_client.post(
        "/v1/challenges",
        {"title": "Context", "description": "d", "category": "bounty"},
        content_type="application/json",
    )

    # then
    assert response.status_code == 201, response.content
    events = api_client.get("/v1/events", {"type": "challenge.created", "limit": 1}).json()
    assert events["data"][0]["request_id"] == response["X-Request-Id"]


def test_a_set_context_lasts_until_its_reset_updates_included_even_after_an_error():
    outer = request_context_set(request_id="req_outer")
    try:
        inner = request_context_set(request_id="req_inner")
        try:
            request_context_update(actor="api_key:key_2")
            assert (request_context().request_id, request_context().actor) == (
                "req_inner",
                "api_key:key_2",
            )
            raise RuntimeError("the view failed")
        except RuntimeError:
            pass
        finally:
            request_context_reset(inner)
        assert (request_context().request_id, request_context().actor) == ("req_outer", "")
    finally:
        request_context_reset(outer)
    assert request_context().request_id == request_context().actor == ""


def test_the_client_address_is_bound_until_its_reset():
    from api.gateway.auth_guard import (
        client_address_current,
        client_address_reset,
        client_address_set,
    )

    outer = client_address_set("203.0.113.1")
    inner = client_address_set("203.0.113.2")
    assert client_address_current() == "203.0.113.2"
    client_address_reset(inner)
    assert client_address_current() == "203.0.113.1"
    client_address_reset(outer)
    assert client_address_current() == ""
