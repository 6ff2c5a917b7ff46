"""``openchance.wsgi.WsgiEdge``: the HTTP edge's guarantees for a WSGI server reached directly
(no nginx in front): any Transfer-Encoding is 411 before Django runs, a target that is not a path
is 400, an absolute-form target passed on as ``RAW_URI`` (gunicorn) is served for its authority.

The WSGI application is called as a server calls it, in the test's transaction (as Django's
test client does, the per-request connection clean-up is held off meanwhile).
"""

import json

import pytest
from django.db import connection
from django.test import RequestFactory

from core.testing import connections_kept, host_of
from marketplace.models import Challenge
from openchance.wsgi import application

pytestmark = pytest.mark.django_db


def _call(environ: dict) -> tuple[int, dict[str, str], dict]:
    answer = {}

    def start_response(status, headers):
        answer["status"], answer["headers"] = int(status.split()[0]), dict(headers)

    with connections_kept():
        body = b"".join(application(environ, start_response))
    return answer["status"], answer["headers"], json.loads(body)


def _problem(answer, status: int, code: str) -> dict:
    answer_status, headers, body = answer
    assert answer_status == status, body
    assert headers["Content-Type"] == "application/problem+json"
    assert body["code"] == code and body["status"] == status
    assert body["type"].endswith(code) and body["title"] and body["detail"]
    assert body["request_id"] == headers["X-Request-Id"]
    return body


@pytest.mark.parametrize("path", ["/v1/challenges", "/", "/admin/login/"])
@pytest.mark.parametrize("value", ["chunked", "gzip, chunked", "identity"])
def test_any_transfer_encoding_is_411_on_every_route(tenant, live_key, path, value):
    environ = (
        RequestFactory()
        .post(
            path,
            data=b'{"title": "Chunked"}',
            content_type="application/json",
            HTTP_HOST=host_of(tenant),
            HTTP_AUTHORIZATION=f"Bearer {live_key}",
            HTTP_TRANSFER_ENCODING=value,
        )
        .environ
    )

    _problem(_call(environ), 411, "length_required")
    connection.set_tenant(tenant)
    try:
        assert not Challenge.objects.filter(title="Chunked").exists()
    finally:
        connection.set_schema_to_public()


@pytest.mark.parametrize("target", ["*", "", "alpha.localhost:80"])
def test_a_target_that_is_not_a_path_is_400(tenant, target):
    environ = RequestFactory().options("/", HTTP_HOST=host_of(tenant)).environ
    environ["PATH_INFO"] = target

    _problem(_call(environ), 400, "invalid_request_target")


@pytest.mark.parametrize("userinfo", ["", "user:secret@"])
def test_an_absolute_form_raw_uri_is_served_for_its_authority(tenant, live_key, userinfo):
    ours = (
        RequestFactory()
        .get("/v1/me", HTTP_HOST="evil.example", HTTP_AUTHORIZATION=f"Bearer {live_key}")
        .environ
    )
    ours["RAW_URI"] = f"http://{userinfo}{host_of(tenant)}/v1/me"
    foreign = RequestFactory().get("/v1/me", HTTP_HOST=host_of(tenant)).environ
    foreign["RAW_URI"] = "http://evil.example/v1/me"

    status, _headers, body = _call(ours)
    assert status == 200, body
    assert body["tenant"]["id"] == tenant.slug
    _problem(_call(foreign), 404, "unknown_host")


def test_an_origin_form_raw_uri_keeps_the_host_header(tenant, live_key):
    environ = (
        RequestFactory()
        .get("/v1/me", HTTP_HOST=host_of(tenant), HTTP_AUTHORIZATION=f"Bearer {live_key}")
        .environ
    )
    environ["RAW_URI"] = "/v1/me?x=http://evil.example/"

    status, _headers, body = _call(environ)

    assert status == 200, body
    assert body["tenant"]["id"] == tenant.slug
