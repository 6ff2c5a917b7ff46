"""The platform as `make run` serves it (``scripts/run.py``), end to end on its one port: nginx in
front, granian serving HTTP through Django's WSGI handler, uvicorn serving the WebSocket stream,
the two Celery workers and beat.

An API call over HTTP, a WebSocket subscription on the same port, and the event the call emitted
arriving on that socket through the outbox and the worker; then the HTTP edge's guarantees as
the front keeps them (problem+json with our request id for everything nginx refuses itself,
411 for Transfer-Encoding, absolute-form targets served for their own host). The tenant is
committed for the servers to see and deleted afterwards.
"""

import json
import socket
import time
import uuid

import httpx
import pytest
from websockets.sync.client import connect

from api.testing import NGINX, platform_server
from core.testing import host_of
from organisations.services import organisation_provision
from tenants.services import tenant_delete

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(NGINX is None, reason="nginx is not installed (`make test` installs it)"),
]


@pytest.fixture(scope="module")
def committed_tenant(_session_tenants, django_db_blocker):
    slug = f"topo-{uuid.uuid4().hex[:8]}"
    with django_db_blocker.unblock():
        provisioned = organisation_provision(
            slug=slug, name="Topology", plan_code="pro", owner_email=f"{slug}@topology.test"
        )
    yield provisioned
    with django_db_blocker.unblock():
        tenant_delete(tenant=provisioned.tenant)


@pytest.fixture(scope="module")
def platform(committed_tenant, tmp_path_factory):
    processes = "front,web,stream,worker,worker-billing,beat"
    with platform_server(
        log_dir=tmp_path_factory.mktemp("topology"), processes=processes, WS_HEARTBEAT_SECONDS="1"
    ) as running:
        yield running


def _raw(port: int, data: bytes) -> tuple[int, dict[str, str], bytes]:
    received = b""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(data)
        while chunk := sock.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(lines[0].split()[1]), headers, body


def _problem(answer, status: int, code: str) -> dict:
    answer_status, headers, body = answer
    assert answer_status == status, (answer_status, body[:300])
    assert headers["content-type"].startswith("application/problem+json"), headers
    document = json.loads(body)
    assert document["status"] == status and document["code"] == code, document
    assert document["type"].endswith(code) and document["title"] and document["detail"]
    assert document["request_id"] == headers["x-request-id"]
    assert document["request_id"].startswith("req_") and len(document["request_id"]) == 36
    return document


def _request(method: str, target: str, host: str, *headers: str, body: bytes = b"") -> bytes:
    lines = [f"{method} {target} HTTP/1.1", f"Host: {host}", *headers, "Connection: close"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def _recv(ws, timeout: float = 10.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        message = json.loads(ws.recv(timeout=max(0.01, deadline - time.monotonic())))
        if message["type"] != "heartbeat":
            return message


def test_an_api_call_and_its_event_on_the_websocket_through_one_port(platform, committed_tenant):
    # given: a subscriber on the tenant's host, on the same port as HTTP
    host = host_of(committed_tenant.tenant)
    key = committed_tenant.live_key
    with (
        connect(
            f"ws://{host}:{platform.port}/v1/ws",
            sock=socket.create_connection(("127.0.0.1", platform.port)),
            additional_headers={"Authorization": f"Bearer {key}"},
            open_timeout=10,
        ) as ws,
        httpx.Client(
            base_url=platform.base_url,
            headers={"Host": host, "Authorization": f"Bearer {key}"},
            timeout=10,
        ) as client,
    ):
        assert _recv(ws)["type"] == "welcome"
        ws.send(json.dumps({"type": "subscribe", "events": ["challenge.created"]}))
        assert _recv(ws)["type"] == "subscribed"

        # when
        me = client.get("/v1/me")
        created = client.post("/v1/challenges", json={"title": "Through the front"})

        # then: HTTP answered by the WSGI server with the gateway's headers, the event streamed
        assert me.status_code == 200, me.text
        assert me.json()["object"] == "me"
        assert me.headers["X-Request-Id"].startswith("req_")
        assert "X-RateLimit-Remaining" in me.headers
        assert created.status_code == 201, created.text
        event = _recv(ws, timeout=30)
        assert event["type"] == "event"
        assert event["event"]["type"] == "challenge.created"
        assert event["event"]["data"]["object"]["id"] == created.json()["id"]
        assert event["event"]["request_id"] == created.headers["X-Request-Id"]
        assert _recv_heartbeat(ws)


def _recv_heartbeat(ws) -> bool:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if json.loads(ws.recv(timeout=deadline - time.monotonic()))["type"] == "heartbeat":
            return True
    return False


@pytest.mark.parametrize(
    ("framing", "status", "code"),
    [
        (["Transfer-Encoding: chunked"], 411, "length_required"),
        (["Transfer-Encoding: gzip, chunked"], 411, "length_required"),
        # Both framings at once is how requests are smuggled: refused as malformed (RFC 9112 §6.3)
        (["Transfer-Encoding: chunked", "Content-Length: 3"], 400, "bad_request"),
    ],
    ids=["chunked", "gzip-chunked", "chunked-with-content-length"],
)
def test_a_chunked_body_is_refused_and_creates_nothing(
    platform, committed_tenant, framing, status, code
):
    host = host_of(committed_tenant.tenant)
    auth = f"Authorization: Bearer {committed_tenant.live_key}"
    document = b'{"title": "Chunked"}'
    chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(document), document)
    before = _challenge_ids(platform, host, auth)

    answer = _raw(
        platform.port,
        _request("POST", "/v1/challenges", host, auth, "Content-Type: application/json", *framing,
                 body=chunked),
    )  # fmt: skip

    _problem(answer, status, code)
    assert _challenge_ids(platform, host, auth) == before


def _challenge_ids(platform, host: str, auth: str) -> list[str]:
    response = httpx.get(
        f"{platform.base_url}/v1/challenges?limit=100", headers={"Host": host, **_auth(auth)}
    )
    assert response.status_code == 200, response.text
    return [challenge["id"] for challenge in response.json()["data"]]


def _auth(header: str) -> dict[str, str]:
    name, _, value = header.partition(": ")
    return {name: value}


def test_an_absolute_form_target_is_served_for_its_own_host(platform, committed_tenant):
    host = host_of(committed_tenant.tenant)
    auth = f"Authorization: Bearer {committed_tenant.live_key}"

    ours = _raw(platform.port, _request("GET", f"http://{host}/v1/me", "evil.example", auth))
    foreign = _raw(platform.port, _request("GET", "http://evil.example/v1/me", host, auth))

    assert ours[0] == 200, ours[2][:300]
    assert json.loads(ours[2])["tenant"]["id"] == committed_tenant.tenant.slug
    _problem(foreign, 404, "unknown_host")


@pytest.mark.parametrize(
    ("target", "status", "code"),
    [
        (b"*", 400, "invalid_request_target"),
        (b"evil.example:80", 400, "invalid_request_target"),
        (b"/v1/challenges/%00", 400, "bad_request"),  # nginx refuses a NUL in the path
        (b"/v1/a\x01b", 400, "bad_request"),
        (b"/v1/" + b"a" * 20_000, 414, "uri_too_long"),
        (b"/_openchance/problem", 404, "not_found"),  # the front's own error page
    ],
)
def test_what_the_front_refuses_is_problem_json(platform, committed_tenant, target, status, code):
    host = host_of(committed_tenant.tenant).encode()
    data = b"GET " + target + b" HTTP/1.1\r\nHost: " + host + b"\r\nConnection: close\r\n\r\n"

    _problem(_raw(platform.port, data), status, code)


def test_an_oversized_header_or_body_is_problem_json(platform, committed_tenant):
    host = host_of(committed_tenant.tenant)

    big_header = _raw(platform.port, _request("GET", "/v1/me", host, "X-Big: " + "a" * 40_000))
    big_body = _raw(
        platform.port, _request("POST", "/v1/challenges", host, "Content-Length: 3000000")
    )

    _problem(big_header, 431, "request_header_too_large")
    _problem(big_body, 413, "payload_too_large")


def test_the_applications_own_problems_pass_the_front_untouched(platform, committed_tenant):
    # A 404 and a 401 of the application (not the front's error page): its title and detail.
    host = host_of(committed_tenant.tenant)
    unknown_host = httpx.get(f"{platform.base_url}/v1/me", headers={"Host": "nobody.localhost"})
    no_key = httpx.get(f"{platform.base_url}/v1/me", headers={"Host": host})

    assert unknown_host.status_code == 404
    assert unknown_host.json()["code"] == "unknown_host"
    assert no_key.status_code == 401
    assert no_key.json()["code"] == "invalid_api_key"
    for response in (unknown_host, no_key):
        assert response.headers["Content-Type"].startswith("application/problem+json")
        assert response.json()["request_id"] == response.headers["X-Request-Id"]
