"""Every error under /v1 is RFC 9457 problem+json (api/exceptions.py)."""

import pytest
from django.conf import settings

from core.testing import problem

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def probes(settings):
    settings.ROOT_URLCONF = "api.tests.probes"


def test_validation_error_lists_field_errors(api_client):
    response = api_client.post(
        "/v1/_probe/items/a", {"title": "x" * 11, "amount": -1}, content_type="application/json"
    )

    body = problem(response, 400, "validation_error")
    assert set(body["errors"]) == {"title", "amount"}
    assert all(isinstance(messages, list) for messages in body["errors"].values())
    assert "X-RateLimit-Remaining" in response


def test_malformed_json_is_invalid_json(api_client):
    response = api_client.post("/v1/_probe/items/a", "{not json", content_type="application/json")

    problem(response, 400, "invalid_json")


def test_wrong_content_type_is_415(api_client):
    response = api_client.post("/v1/_probe/items/a", "a=b", content_type="text/plain")

    problem(response, 415, "unsupported_media_type")


def test_wrong_method_is_405_with_allow(api_client):
    response = api_client.delete("/v1/_probe/items/a")

    body = problem(response, 405, "method_not_allowed")
    assert response["Allow"] == "GET, POST, HEAD, OPTIONS"
    assert "DELETE" in body["detail"]


def test_domain_errors_keep_status_code_and_extra(api_client):
    response = api_client.post("/v1/_probe/failing", {}, content_type="application/json")

    body = problem(response, 422, "deadline_passed")
    assert body["detail"] == "The deadline has passed." and body["deadline"] == "x"


def test_unhandled_exception_is_500_without_internals(api_client):
    response = api_client.get("/v1/_probe/failing")

    body = problem(response, 500, "internal_error")
    assert "hunter2" not in response.content.decode() and "RuntimeError" not in str(body)


def test_oversized_body_is_413(api_client):
    body = b'{"title": "' + b"x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE + b'"}'

    response = api_client.post("/v1/_probe/items/a", body, content_type="application/json")

    body = problem(response, 413, "payload_too_large")
    assert body["limit_bytes"] == settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def test_unknown_route_is_404(api_client):
    problem(api_client.get("/v1/_probe/nope"), 404, "not_found")


@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete"])
def test_unknown_routes_pass_the_gateway_and_carry_rate_limit_headers(api_client, method):
    response = getattr(api_client, method)("/v1/no/such/route")

    problem(response, 404, "not_found")
    for header in ["X-RateLimit-Limit", "X-RateLimit-Remaining", "RateLimit", "RateLimit-Policy"]:
        assert header in response


def test_auth_errors_carry_www_authenticate(api_client_factory, tenant):
    response = api_client_factory(None).get("/v1/_probe/items/a")

    problem(response, 401, "invalid_api_key")
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_body_without_content_length_is_411(api_client):
    # As a WSGI server passes a chunked request on: the header, and no CONTENT_LENGTH (Django
    # would read the body as empty). Under ASGI, openchance.asgi answers it; see test_http_edge.
    response = api_client.generic(
        "POST",
        "/v1/_probe/items/a",
        b"",
        content_type="application/json",
        HTTP_TRANSFER_ENCODING="chunked",
    )

    body = problem(response, 411, "length_required")
    assert "Content-Length" in body["detail"]
