"""Every error on the API surface is problem+json, on every host and with DEBUG on or off
(issue 8, item 8b): Django's own answers — its debug pages, its handler views — never reach an
API client as HTML. Pages of known hosts (the portal, the operator admin) keep Django's pages.

The raw-socket versions (absolute-form request lines, a real server with DEBUG on) are in
``test_http_edge.py``.
"""

import pytest
from django.conf import settings
from django.test import Client

from core.testing import host_of, problem

pytestmark = pytest.mark.django_db

API_HOST = f"api.{settings.BASE_DOMAIN}"
UNKNOWN_HOST = f"nobody.{settings.BASE_DOMAIN}"


@pytest.fixture(params=[False, True], ids=["debug-off", "debug-on"])
def debug(request, settings):
    settings.DEBUG = request.param
    return request.param


@pytest.fixture
def edge_probes(settings):
    settings.ROOT_URLCONF = "api.tests.edge_probes"


def _client(host: str, key: str | None = None) -> Client:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
    # As a server would: the exception becomes a response instead of reaching the test.
    return Client(HTTP_HOST=host, raise_request_exception=False, **headers)


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/v1/_edge/plain-failure", 500, "internal_error"),
        ("/v1/_edge/plain-not-found", 404, "not_found"),
        ("/v1/_edge/plain-suspicious", 400, "bad_request"),
    ],
)
def test_failures_outside_drf_under_v1_are_problems(
    debug, edge_probes, tenant, live_key, path, status, code
):
    response = _client(host_of(tenant), live_key).get(path)

    body = problem(response, status, code)
    assert "hunter2" not in response.content.decode() and "Traceback" not in body["detail"]


@pytest.mark.parametrize("host", [API_HOST, UNKNOWN_HOST, "", "bad host!"])
@pytest.mark.parametrize(
    "path", ["/", "/nope", "/v1", "/v1/", "/v1/%00", "/docs/nope", "/%ED%A0%80"]
)
def test_every_path_of_api_and_unknown_hosts_answers_problems(debug, tenant, host, path):
    response = _client(host).get(path)

    assert response.status_code in (401, 404), response.content
    problem(response, response.status_code)


@pytest.mark.parametrize("path", ["/v1", "/v1/nope", "/v1/%00"])
def test_v1_on_a_tenant_host_answers_problems(debug, tenant, live_key, path):
    problem(_client(host_of(tenant), live_key).get(path), 404, "not_found")


def test_an_unknown_portal_page_is_problem_json_with_debug_off(tenant, settings):
    settings.DEBUG = False

    problem(_client(host_of(tenant)).get("/no-such-page/"), 404, "not_found")


def test_portal_pages_keep_djangos_debug_pages_with_debug_on(edge_probes, tenant, settings):
    settings.DEBUG = True

    response = _client(host_of(tenant)).get("/plain-failure", HTTP_ACCEPT="text/html")

    assert response.status_code == 500 and response["Content-Type"].startswith("text/html")


def test_too_many_query_parameters_are_400_not_500(api_client, settings):
    query = "&".join(f"p{index}=1" for index in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))

    body = problem(api_client.get(f"/v1/challenges?{query}"), 400, "bad_request")
    assert "Too many parameters" in body["detail"]


@pytest.mark.parametrize("suffix", ["\x00", "\x01", "\x7f", "\u200b", "_x", "\ud800", "%00", "\\"])
def test_an_implausible_host_is_404_without_a_lookup(tenant, suffix, django_assert_num_queries):
    """uvicorn and gunicorn refuse NUL in headers; other servers may not, and PostgreSQL cannot
    look a NUL up at all: a host that cannot be a host name is unknown without a query."""
    with django_assert_num_queries(0):
        response = _client(f"{host_of(tenant)}{suffix}").get("/v1/me")

    problem(response, 404, "unknown_host")
