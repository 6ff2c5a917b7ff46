"""The OpenAPI document and the documentation pages."""

import math
import re
import time

import pytest
from django.conf import settings
from django.test import Client
from django.urls import resolve
from drf_spectacular.validation import validate_schema
from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

from api.gateway import key_authenticate, key_cache_clear, rate_limit_check, rate_limit_reset
from api.v1 import serializers as io
from apikeys.services import api_key_create
from billing.models import Plan
from billing.services import tenant_plan_change
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


@pytest.mark.parametrize("host", ["tenant", "api"])
def test_openapi_document_passes_openapi_spec_validator(tenant, host):
    # given: the document as served on a tenant's host and on the shared API host
    hostname = host_of(tenant) if host == "tenant" else f"api.{settings.BASE_DOMAIN}"
    document = Client(HTTP_HOST=hostname).get("/v1/openapi.json").json()
    # when: validated against the OpenAPI version it declares (every error, not the first)
    validator = (
        OpenAPIV31SpecValidator
        if document["openapi"].startswith("3.1")
        else OpenAPIV30SpecValidator
    )
    errors = [f"{list(error.path)}: {error.message}" for error in validator(document).iter_errors()]
    # then
    assert document["openapi"].startswith(("3.0", "3.1"))
    assert errors == []


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
    ("get", "/v1/usage"), ("get", "/v1/invoices"), ("get", "/v1/invoices/{invoice_id}"),
    ("get", "/v1/invoices/{invoice_id}/pdf"), ("get", "/v1/billing/subscription"),
    ("get", "/v1/billing/estimate"), ("get", "/v1/billing/settings"),
    ("patch", "/v1/billing/settings"),
}  # fmt: skip


def _operations(openapi) -> dict[tuple[str, str], dict]:
    return {
        (method, path): operation
        for path, item in openapi["paths"].items()
        for method, operation in item.items()
        if method in ("get", "post", "put", "patch", "delete")
    }


def test_every_operation_is_documented_with_problem_errors(openapi):
    operations = _operations(openapi)
    assert EXPECTED_OPERATIONS <= set(operations)
    problem_ref = {"$ref": "#/components/schemas/Problem"}
    for (method, path), operation in operations.items():
        key = (method, path)
        parameters = operation.get("parameters", [])
        has_path_id = "{" in path
        is_idempotent = any(parameter["name"] == "Idempotency-Key" for parameter in parameters)
        responses = operation["responses"]
        assert operation.get("summary"), key
        assert operation["operationId"], key
        # what the gateway can answer on every authenticated operation
        assert {"401", "403", "406", "411", "413", "429", "500", "503"} <= set(responses), key
        # what the route and the handler can answer
        assert "400" in responses, key  # every route checks its query string
        body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
        body_schema = openapi["components"]["schemas"].get(
            body.get("schema", {}).get("$ref", "").rsplit("/", 1)[-1], {}
        )
        names_an_object = any(f"{{{name}_id}}" in " ".join(openapi["paths"]) for name in
                              body_schema.get("properties", {}))  # fmt: skip
        assert ("404" in responses) == (has_path_id or names_an_object), key
        if "requestBody" in operation or is_idempotent:
            assert "415" in responses, key
        if method in ("post", "patch"):
            assert is_idempotent, key
            assert {"409", "422"} <= set(responses), key
        if method == "delete":
            assert "409" in responses, key
        for status, response in responses.items():
            assert "X-Request-Id" in response["headers"], (key, status)
            if status >= "400":
                content = response["content"]
                assert content["application/problem+json"]["schema"] == problem_ref, (key, status)
            if status.startswith("2"):
                assert response["headers"]["X-RateLimit-Reset"]["required"] is True, (key, status)
        assert responses["429"]["headers"]["Retry-After"]["required"] is True, key
        assert responses["503"]["headers"]["Retry-After"]["required"] is True, key
    assert operations[("post", "/v1/challenges")]["requestBody"]["content"]["application/json"][
        "examples"
    ]
    assert operations[("post", "/v1/challenges")]["responses"]["201"]["headers"]["Location"]


def test_rate_limit_reset_is_documented_as_the_epoch_seconds_it_is(openapi, api):
    # given
    documented = openapi["paths"]["/v1/challenges"]["get"]["responses"]["200"]["headers"]
    # when
    before = time.time()
    response = api.get("/v1/challenges")
    # then: the header is a Unix time, `t=` of RateLimit the same moment as a delay
    assert response.status_code == 200
    reset = int(response["X-RateLimit-Reset"])
    delay = int(re.search(r";t=(\d+)", response["RateLimit"]).group(1))
    assert math.floor(before) <= reset - delay <= math.ceil(time.time())
    assert documented["X-RateLimit-Reset"]["schema"]["type"] == "integer"
    assert "Unix time" in documented["X-RateLimit-Reset"]["description"]
    assert "Seconds until" not in documented["X-RateLimit-Reset"]["description"]
    assert "t=<seconds until" in documented["RateLimit"]["description"]


# --- Every status the gateway and the route answer is documented on that route

METHODS = ("get", "post", "put", "patch", "delete")


def _walk_client(key: str | None, host: str) -> Client:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
    return Client(HTTP_HOST=host, **headers)


def _bad_query(operation: dict) -> dict | None:
    """A query parameter value the route must refuse (400), if it takes one we can break."""
    names = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
    if "limit" in names:
        return {"limit": "0"}
    if "expand" in names:
        return {"expand": "no_such_relation"}
    return None


@pytest.fixture
def walk(tenant, live_key):
    """``walk(operation, method, path, label, *, key, refill, **request)``: one call (on a full
    rate-limit bucket unless ``refill=False``); its status must be documented on the operation,
    with the documented content type and required headers. Returns the response; findings
    accumulate in ``walk.findings``."""
    host = host_of(tenant)
    findings: list[str] = []

    def call(operation, method, path, label, *, key=live_key, refill=True, **request):
        if refill:  # each call on a full bucket: only the drained ones are over the limit
            rate_limit_reset(organisation_id=tenant.pk)
        response = _walk_client(key, host).generic(method.upper(), path, **request)
        status = str(response.status_code)
        documented = operation["responses"].get(status)
        where = f"{method.upper()} {path} ({label}) → {status}"
        if documented is None:
            findings.append(f"{where}: undocumented (documented: {sorted(operation['responses'])})")
            return response
        content_type = response.get("Content-Type", "")
        if documented.get("content") and not any(
            content_type.startswith(media_type) for media_type in documented["content"]
        ):
            findings.append(f"{where}: content type {content_type!r} not documented")
        for name, header in documented.get("headers", {}).items():
            if header.get("required") and not response.has_header(name):
                findings.append(f"{where}: required header {name} missing")
        return response

    call.findings = findings
    call.host = host
    return call


def _concrete(path: str) -> str:
    return re.sub(r"\{\w+\}", "zz_unknown", path)


def test_every_status_the_gateway_and_the_route_answer_is_documented(
    openapi, walk, tenant, live_key
):
    """Provoke, on every operation, each refusal of the gateway and of the route; each answer must
    be documented there (``walk``), and each provocation must get the status it aims at."""
    # given: a key without any marketplace or webhook scope
    narrow_key = api_key_create(tenant=tenant, name="usage only", scopes=["usage:read"]).secret
    missed: list[str] = []

    def expect(status: int, response, label: str) -> None:
        if response.status_code != status:
            request = response.request
            missed.append(
                f"{request['REQUEST_METHOD']} {request['PATH_INFO']} ({label}): {status} "
                f"expected, got {response.status_code}"
            )

    for (method, path), operation in _operations(openapi).items():
        concrete = _concrete(path)
        view_class = resolve(concrete, urlconf="api.v1.schema_urls").func.cls
        parses_body = "requestBody" in operation or any(
            p["name"] == "Idempotency-Key" for p in operation.get("parameters", [])
        )

        # when / then: the gateway's refusals
        expect(401, walk(operation, method, concrete, "no key", key=None), "no key")
        if view_class.scope_family not in (None, "usage"):
            expect(403, walk(operation, method, concrete, "scope", key=narrow_key), "scope")
        not_acceptable = walk(operation, method, concrete, "accept", HTTP_ACCEPT="application/xml")
        expect(406, not_acceptable, "accept")
        too_large = str(settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
        expect(413, walk(operation, method, concrete, "large", CONTENT_LENGTH=too_large), "large")
        walk(operation, method, concrete, "chunked", HTTP_TRANSFER_ENCODING="chunked")
        expect(400, walk(operation, method, concrete, "query", QUERY_STRING="x=%FF"), "query")

        # and the route's own: unknown ids, bad parameters, bodies it cannot parse
        if "{" in path:
            unknown = walk(operation, method, concrete, "unknown id")
            if not operation.get("requestBody", {}).get("required"):  # else the body goes first
                expect(404, unknown, "unknown id")
        bad_query = _bad_query(operation)
        if bad_query is not None:
            walk(operation, method, concrete, "bad query", data=bad_query)
        if parses_body:
            for label, body, content_type in (
                ("not json", "title=x", "text/plain"),
                ("malformed json", "{", "application/json"),
            ):
                walk(
                    operation,
                    method,
                    concrete,
                    label,
                    data=body,
                    content_type=content_type,
                    HTTP_IDEMPOTENCY_KEY=f"walk-{label.replace(' ', '-')}-{method}-{len(path)}",
                )

    # then: a method a path does not document answers 405, naming the documented ones in Allow
    for path, item in openapi["paths"].items():
        documented = {method.upper() for method in item if method in METHODS}
        undocumented = sorted(set(METHODS) - {m.lower() for m in documented} - {"put"})
        for method in ["put", *undocumented[:1]]:  # PUT is nowhere; and one more per path
            rate_limit_reset(organisation_id=tenant.pk)  # these calls count against it too
            response = _walk_client(live_key, walk.host).generic(method.upper(), _concrete(path))
            allowed = {m.strip() for m in response.get("Allow", "").split(",")}
            if response.status_code != 405 or allowed - {"HEAD", "OPTIONS"} != documented:
                walk.findings.append(
                    f"{method.upper()} {path}: {response.status_code}, Allow {sorted(allowed)} "
                    f"(documented: {sorted(documented)})"
                )

    # and past the plan's rate every operation answers 429 (on a plan of 1 call/s, so that the
    # drained bucket cannot refill before the call arrives)
    slow = Plan.objects.create(
        code="walk-slow", name="Slow", rate_per_second=1, burst=1, is_public=False
    )
    tenant_plan_change(tenant=tenant, plan=slow)
    key_cache_clear()
    # A second between the drain and the call refills the bucket: on a loaded machine that can
    # happen, so an operation gets three tries; one that never answers 429 is a finding.
    for (method, path), operation in _operations(openapi).items():
        for _ in range(3):
            rate_limit_reset(organisation_id=tenant.pk)
            rate_limit_check(key_authenticate(live_key, host_tenant=tenant))
            drained = walk(operation, method, _concrete(path), "over the rate", refill=False)
            if drained.status_code == 429:
                break
        expect(429, drained, "over the rate")
    rate_limit_reset(organisation_id=tenant.pk)

    assert walk.findings == [], "\n".join(walk.findings)
    assert missed == [], "\n".join(missed)


def test_links_lead_from_created_and_listed_objects_to_every_operation_on_them(openapi):
    operations = {operation["operationId"]: (path, operation) for (_, path), operation in
                  _operations(openapi).items()}  # fmt: skip
    incoming: dict[str, set[str]] = {operation_id: set() for operation_id in operations}
    for source_id, (_, operation) in operations.items():
        for status, response in operation["responses"].items():
            for name, link in response.get("links", {}).items():
                # then: each link names an operation and fills exactly its path parameter
                target_path, _ = operations[link["operationId"]]
                assert name == link["operationId"], (source_id, status, name)
                assert set(link["parameters"]) == set(re.findall(r"\{(\w+)\}", target_path))
                assert all(v.startswith("$response.body#/") for v in link["parameters"].values())
                assert status.startswith("2"), (source_id, status)
                incoming[link["operationId"]].add(source_id)
    # every operation on an existing object can be reached from one that yields its id
    unreachable = [op for op, (path, _) in operations.items() if "{" in path and not incoming[op]]
    assert unreachable == []
    assert "challenges_create" in incoming["challenges_publish"]
    assert "challenge_applications_create" in incoming["challenges_award"]  # `challenge` field
    assert "webhook_endpoints_test" in incoming["webhook_deliveries_retry"]  # the ping's delivery
    assert "events_list" in incoming["events_retrieve"]


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
