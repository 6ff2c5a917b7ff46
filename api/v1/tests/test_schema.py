"""The OpenAPI document and the documentation pages."""

import re

import pytest
from django.conf import settings
from django.test import Client
from drf_spectacular.validation import validate_schema

from api.v1 import serializers as io
from core.testing import host_of
from marketplace import services
from marketplace.rendering import (
    application_render,
    challenge_render,
    message_render,
    review_render,
)


@pytest.fixture
def openapi(tenant_client):
    response = tenant_client.get("/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_openapi_is_public_and_valid(openapi):
    validate_schema(openapi)
    assert openapi["openapi"].startswith("3.")
    assert openapi["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert openapi["paths"]["/v1/challenges"]["get"]["security"] == [{"bearerAuth": []}]


def test_openapi_generation_has_no_warnings(capsys):
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator

    GENERATOR_STATS.reset()
    SchemaGenerator(urlconf="api.v1.schema_urls").get_schema(request=None, public=True)
    assert not GENERATOR_STATS._warn_cache, list(GENERATOR_STATS._warn_cache)
    assert not GENERATOR_STATS._error_cache, list(GENERATOR_STATS._error_cache)


EXPECTED_OPERATIONS = {
    ("get", "/v1/challenges"), ("post", "/v1/challenges"),
    ("get", "/v1/challenges/{challenge_id}"), ("patch", "/v1/challenges/{challenge_id}"),
    ("delete", "/v1/challenges/{challenge_id}"),
    ("post", "/v1/challenges/{challenge_id}/publish"),
    ("post", "/v1/challenges/{challenge_id}/close"),
    ("post", "/v1/challenges/{challenge_id}/award"),
    ("post", "/v1/challenges/{challenge_id}/cancel"),
    ("get", "/v1/challenges/{challenge_id}/applications"),
    ("post", "/v1/challenges/{challenge_id}/applications"),
    ("get", "/v1/applications"), ("get", "/v1/applications/{application_id}"),
    ("patch", "/v1/applications/{application_id}"),
    ("post", "/v1/applications/{application_id}/shortlist"),
    ("post", "/v1/applications/{application_id}/accept"),
    ("post", "/v1/applications/{application_id}/reject"),
    ("post", "/v1/applications/{application_id}/withdraw"),
    ("get", "/v1/applications/{application_id}/messages"),
    ("post", "/v1/applications/{application_id}/messages"),
    ("get", "/v1/messages"), ("get", "/v1/messages/{message_id}"),
    ("get", "/v1/reviews"), ("post", "/v1/reviews"), ("get", "/v1/reviews/{review_id}"),
    ("get", "/v1/events"), ("get", "/v1/events/{event_id}"),
    ("post", "/v1/batch"),
}  # fmt: skip


def test_every_operation_is_documented_with_problem_errors(openapi):
    operations = {
        (method, path): operation
        for path, item in openapi["paths"].items()
        for method, operation in item.items()
    }
    assert EXPECTED_OPERATIONS <= set(operations)
    problem_ref = {"$ref": "#/components/schemas/Problem"}
    for key in EXPECTED_OPERATIONS:
        operation = operations[key]
        assert operation.get("summary"), key
        assert operation["operationId"], key
        for status in ("401", "403", "404", "429", "500"):
            content = operation["responses"][status]["content"]
            assert content["application/problem+json"]["schema"] == problem_ref, key
        if key[0] in ("post", "patch"):
            assert {"400", "409", "413", "415", "422"} <= set(operation["responses"]), key
            assert any(p["name"] == "Idempotency-Key" for p in operation["parameters"]), key
    assert operations[("post", "/v1/challenges")]["requestBody"]["content"]["application/json"][
        "examples"
    ]


def test_list_parameters_are_documented(openapi):
    parameters = {p["name"] for p in openapi["paths"]["/v1/challenges"]["get"]["parameters"]}
    assert {
        "limit", "cursor", "offset", "ordering", "fields", "status", "category", "tags",
        "skills", "search", "reward_amount[gte]", "deadline[lt]", "created_at[gte]", "metadata",
    } <= parameters  # fmt: skip


@pytest.mark.parametrize(
    ("serializer_class", "render", "make"),
    [
        (io.ChallengeSerializer, challenge_render, "challenge"),
        (io.ApplicationSerializer, application_render, "application"),
        (io.MessageSerializer, message_render, "message"),
        (io.ReviewSerializer, review_render, "review"),
    ],
)
def test_output_serializers_describe_exactly_what_is_rendered(
    tenant, in_schema, serializer_class, render, make
):
    in_schema(tenant)
    challenge = services.challenge_create(title="T")
    services.challenge_publish(challenge_id=challenge.id)
    application = services.application_submit(
        challenge_id=challenge.id, applicant_name="A", applicant_email="a@example.com"
    )
    message = services.message_create(application_id=application.id, author="applicant", body="x")
    services.application_shortlist(application_id=application.id)
    services.application_accept(application_id=application.id)
    review = services.review_create(application_id=application.id, rating=3)
    instance = {
        "challenge": challenge,
        "application": application,
        "message": message,
        "review": review,
    }[make]
    assert list(render(instance)) == list(serializer_class().fields)


@pytest.mark.parametrize("path", ["/docs/", "/docs/redoc/"])
def test_docs_pages_work_without_the_internet(tenant, path):
    # given
    client = Client(HTTP_HOST=host_of(tenant))
    # when
    page = client.get(path)
    # then: nothing is fetched from another host, and every local asset is served
    assert page.status_code == 200
    html = page.content.decode()
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html), html
    assert "fonts.googleapis" not in html
    assets = re.findall(r"""(?:src|href)=["']([^"']+)["']""", html)
    assert assets
    for asset in assets:
        assert client.get(asset).status_code == 200, asset
    assert "/v1/openapi.json" in html or "openapi.json" in client.get(assets[-1]).content.decode()


def test_redoc_uses_the_local_script(tenant):
    html = Client(HTTP_HOST=host_of(tenant)).get("/docs/redoc/").content.decode()
    assert "redoc.standalone.js" in html and settings.STATIC_URL in html


@pytest.mark.parametrize("path", ["/docs/", "/docs/redoc/", "/v1/openapi.json"])
def test_reference_is_served_on_the_shared_api_host_too(path):
    from django.test import Client

    response = Client(HTTP_HOST="api.localhost").get(path)

    assert response.status_code == 200
