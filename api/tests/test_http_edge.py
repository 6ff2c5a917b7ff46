"""The HTTP edge against a real server, byte for byte (issue 8, item 8a and 8b).

A uvicorn server started on the test database with ``DEBUG`` on, spoken to over a raw socket so
that requests no HTTP client library would send reach it: chunked bodies (411
``length_required``, never silently empty), absolute-form request lines (served as the RFC says,
never Django's HTML debug 404), targets that are not paths, raw bytes no URL may hold. Every
answer is problem+json with our request id.
"""

import json
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import connection

from api.testing import uvicorn_server
from core.testing import host_of
from marketplace.models import Challenge

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


@dataclass
class RawResponse:
    status: int
    headers: dict[str, str]
    body: bytes

    def problem(self, status: int, code: str) -> dict:
        assert self.status == status, (self.status, self.body[:500])
        assert self.headers["content-type"].startswith("application/problem+json"), self.headers
        body = json.loads(self.body)
        assert body["status"] == status and body["code"] == code, body
        assert body["request_id"] == self.headers["x-request-id"]
        assert body["request_id"].startswith("req_")
        return body


def raw_request(base_url: str, data: bytes, *, timeout: float = 10.0) -> RawResponse:
    """Send ``data`` as is and read the answer to the end (every request says Connection: close,
    and the server closes after answering it)."""
    address = urlsplit(base_url)
    received = b""
    with socket.create_connection((address.hostname, address.port), timeout=timeout) as sock:
        sock.sendall(data)
        while chunk := sock.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding") == "chunked":
        body = _dechunked(body)
    return RawResponse(status=int(lines[0].split()[1]), headers=headers, body=body)


def _dechunked(data: bytes) -> bytes:
    body = b""
    while True:
        size_line, _, data = data.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            return body
        body, data = body + data[:size], data[size + 2 :]


@pytest.fixture(scope="module")
def server(tmp_path_factory, _session_api_keys):
    with uvicorn_server(log_dir=tmp_path_factory.mktemp("edge"), DEBUG="true") as base_url:
        yield base_url


@pytest.fixture
def alpha_host(tenant):
    return host_of(tenant)


def _challenges(tenant) -> int:
    connection.set_tenant(tenant)
    try:
        return Challenge.objects.count()
    finally:
        connection.set_schema_to_public()


def _request(method: str, target: str, host: str, *headers: str, body: bytes = b"") -> bytes:
    lines = [f"{method} {target} HTTP/1.1", f"Host: {host}", *headers, "Connection: close"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


@pytest.mark.parametrize(
    "framing",
    [["Transfer-Encoding: chunked"], ["Transfer-Encoding: chunked", "Content-Length: 3"]],
    ids=["chunked", "chunked-with-content-length"],
)
def test_a_chunked_body_is_411_and_never_read(server, tenant, alpha_host, live_key, framing):
    # given
    before = _challenges(tenant)
    document = b'{"title": "Chunked"}'
    chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(document), document)

    # when
    response = raw_request(
        server,
        _request(
            "POST",
            "/v1/challenges",
            alpha_host,
            f"Authorization: Bearer {live_key}",
            "Content-Type: application/json",
            *framing,
            body=chunked,
        ),
    )

    # then
    body = response.problem(411, "length_required")
    assert "Content-Length" in body["detail"]
    assert response.headers["connection"] == "close"
    assert _challenges(tenant) == before


def test_a_body_with_content_length_is_read(server, tenant, alpha_host, live_key):
    # A body the server must read to refuse: nothing is created (and nothing to clean up).
    document = b'{"title": "Framed", "max_applications": 0}'
    response = raw_request(
        server,
        _request(
            "POST",
            "/v1/challenges",
            alpha_host,
            f"Authorization: Bearer {live_key}",
            "Content-Type: application/json",
            f"Content-Length: {len(document)}",
            body=document,
        ),
    )

    body = response.problem(400, "validation_error")
    assert list(body["errors"]) == ["max_applications"]


def test_an_absolute_form_target_is_served_for_its_own_host(server, alpha_host, live_key):
    # The target's authority decides the host (RFC 9112 §3.2.2), not the Host header.
    foreign = raw_request(server, _request("GET", "http://evil.example/v1/me", alpha_host))
    ours = raw_request(
        server,
        _request(
            "GET", f"http://{alpha_host}/v1/me", "evil.example", f"Authorization: Bearer {live_key}"
        ),
    )

    foreign.problem(404, "unknown_host")
    assert ours.status == 200, ours.body
    assert json.loads(ours.body)["object"] == "me"


@pytest.mark.parametrize("target", ["*", "alpha.localhost:80", "evil.example/v1/me"])
def test_a_target_that_is_not_a_path_is_400(server, alpha_host, target):
    raw_request(server, _request("OPTIONS", target, alpha_host)).problem(
        400, "invalid_request_target"
    )


@pytest.mark.parametrize(
    ("host", "target", "status", "code"),
    [
        ("alpha", "/v1/%00", 401, "invalid_api_key"),
        ("alpha", "/v1/challenges/%00", 401, "invalid_api_key"),
        ("alpha", "/v1", 404, "not_found"),
        ("api", "/docs/%00", 404, "not_found"),
        ("api", "/nope", 404, "not_found"),
        ("api", "/v1/%ED%A0%80", 401, "invalid_api_key"),
        ("unknown", "/", 404, "unknown_host"),
        ("unknown", "/admin/", 404, "unknown_host"),
    ],
)
def test_debug_on_never_shows_an_api_or_unknown_host_an_html_page(
    server, alpha_host, host, target, status, code
):
    hosts = {
        "alpha": alpha_host,
        "api": f"api.{settings.BASE_DOMAIN}",
        "unknown": f"nobody.{settings.BASE_DOMAIN}",
    }
    raw_request(server, _request("GET", target, hosts[host])).problem(status, code)


@pytest.mark.parametrize(
    "target", [b"/v1/challenges?x=\xff", b"/v1/\xc3\xa9", b"/v1/challenges?x=\x01", b"/v1/a\x7fb"]
)
def test_raw_bytes_in_the_target_never_reach_the_application(server, alpha_host, target):
    # Not HTTP: the server (uvicorn's h11) refuses it with its own plain-text 400 before any
    # application code runs, so there is nothing of ours to answer, meter or log.
    data = b"GET " + target + b" HTTP/1.1\r\nHost: " + alpha_host.encode()
    data += b"\r\nConnection: close\r\n\r\n"

    response = raw_request(server, data)

    assert response.status == 400, response.body
    assert response.headers["content-type"].startswith("text/plain")
    assert "x-request-id" not in response.headers  # no application code ran
