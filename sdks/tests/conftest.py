"""The live platform the SDKs' end-to-end tests run against (one per session, shared by every
language): ``scripts/run.py`` (nginx, granian, uvicorn for the stream, a Celery worker for the
outbox and webhook deliveries) on the test database, a tenant provisioned for it on the Free plan
(5 calls/s, burst 10: a 429 is a dozen calls away) and committed, reachable at
``http://127.0.0.1:<port>`` through a custom domain ``127.0.0.1`` (every language's HTTP client
connects there as it would to a tenant's domain: no Host header tricks), and a webhook sink.

Each language's scenario (sdks/tests/e2e/) prints one JSON object that ``scenario_check``
asserts on; the tenant and its domain are deleted afterwards.
"""

import json
import os
import shutil
import subprocess
import threading
import uuid
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from api.testing import NGINX, platform_server
from core.testing import broker_of_its_own, celery_queues_purge
from organisations.services import organisation_provision
from tenants.models import Domain
from tenants.services import tenant_delete

SDKS = Path(__file__).resolve().parent.parent
E2E = Path(__file__).resolve().parent / "e2e"


def toolchain_or_skip(*programs: str) -> None:
    """Skip when a toolchain is missing — but in CI (``CI=true``), where the Makefile installs
    every toolchain first, a missing one fails the run."""
    missing = [program for program in programs if shutil.which(program) is None]
    if missing:
        reason = f"{', '.join(missing)} not installed (`make system` installs it)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI: {reason}")
        pytest.skip(reason)


class Sink:
    """Records POSTs (webhook deliveries) per path; ``GET /received/<path>`` answers what arrived
    there as JSON (headers, base64 body), so a scenario in any language can fetch its delivery."""

    def __init__(self) -> None:
        self.received: dict[str, list[dict]] = {}
        lock = threading.Lock()
        sink = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                import base64

                record = {
                    "headers": {name.lower(): value for name, value in self.headers.items()},
                    "body_base64": base64.b64encode(body).decode(),
                }
                with lock:
                    sink.received.setdefault(self.path, []).append(record)
                self._answer(200, b"ok")

            def do_GET(self):  # noqa: N802
                path = self.path.removeprefix("/received")
                with lock:
                    body = json.dumps(sink.received.get(path, [])).encode()
                self._answer(200, body)

            def _answer(self, status: int, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@dataclass
class LivePlatform:
    base_url: str
    api_key: str
    sink: Sink
    tenant: object

    def env(self, language: str) -> dict[str, str]:
        """What every scenario reads: where the API is, the key, and its own sink path."""
        return {
            **os.environ,
            "OPENCHANCE_BASE_URL": self.base_url,
            "OPENCHANCE_API_KEY": self.api_key,
            "OC_SINK_URL": f"{self.sink.url}/hook/{language}",
            "OC_SINK_RECEIVED_URL": f"{self.sink.url}/received/hook/{language}",
            "OC_LANGUAGE": language,
        }


@pytest.fixture(scope="session")
def live_platform(_session_tenants, django_db_blocker, tmp_path_factory):
    if NGINX is None:
        pytest.skip("nginx is not installed (`make test` installs it)")
    slug = f"sdk-{uuid.uuid4().hex[:8]}"
    with django_db_blocker.unblock():
        provisioned = organisation_provision(
            slug=slug, name="SDK tests", plan_code="free", owner_email=f"{slug}@sdk.test"
        )
        Domain.objects.filter(domain="127.0.0.1").delete()  # a run that died before cleaning up
        Domain.objects.create(domain="127.0.0.1", tenant=provisioned.tenant, is_primary=False)
    # Earlier tests' leftover tasks would hold up the scenarios' webhooks past their 30 s wait.
    celery_queues_purge("webhooks,billing,default")
    sink = Sink()
    try:
        with platform_server(
            log_dir=tmp_path_factory.mktemp("sdk-platform"),
            processes="front,web,stream,worker",
            WEBHOOK_ALLOWED_PRIVATE_HOSTS="127.0.0.1",
            # A broker of its own: the session's test worker (conftest.celery_worker_process, no
            # private hosts allowed) must not take this platform's deliveries.
            CELERY_BROKER_URL=broker_of_its_own(15),
            WS_HEARTBEAT_SECONDS="5",
        ) as platform:
            base_url = f"http://127.0.0.1:{platform.port}"
            me = httpx.get(
                f"{base_url}/v1/me",
                headers={"Authorization": f"Bearer {provisioned.live_key}"},
                timeout=10,
            )
            assert me.status_code == 200, me.text
            yield LivePlatform(base_url, provisioned.live_key, sink, provisioned.tenant)
    finally:
        sink.close()
        with django_db_blocker.unblock():
            tenant_delete(tenant=provisioned.tenant)


def run_scenario(command: list[str], *, cwd: Path, env: dict, timeout: float = 180) -> dict:
    """Run one language's scenario; its last stdout line is the JSON result."""
    result = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert result.returncode == 0, (
        f"{command} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    assert lines, f"no JSON result:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return json.loads(lines[-1])


def scenario_check(result: dict, platform: LivePlatform, *, stream: bool) -> None:
    """What every language's scenario must have seen (see sdks/tests/e2e/README.md)."""
    # Created and listed with auto-pagination (page size 2: at least two pages).
    created = result["created"]
    assert len(created) == 3 and all(id_.startswith("chl_") for id_ in created), result
    assert set(created) <= set(result["listed"]), result
    assert len(result["listed"]) == len(set(result["listed"])), "a page was listed twice"
    assert result["first_page"] == {"size": 2, "has_more": True}, result
    # The same Idempotency-Key twice: the first answer replayed.
    assert result["idempotent_replay"] is True, result
    # A 429 surfaced as the typed error, with the server's Retry-After and request id.
    limited = result["rate_limited"]
    assert limited["error"] == "RateLimitedError", limited
    assert limited["status"] == 429 and limited["code"] == "rate_limited", limited
    assert limited["retry_after"] >= 1, limited
    assert limited["request_id"].startswith("req_"), limited
    # The next call, with retries on, waited and succeeded.
    assert result["retried"]["ok"] is True and result["retried"]["retries"] >= 1, result
    # A webhook delivered to the sink, verified, its event typed; a tampered body refused.
    webhook = result["webhook"]
    assert webhook["type"] == "challenge.created", webhook
    assert webhook["object_id"] == webhook["expected_id"], webhook
    assert webhook["tampered_rejected"] is True, webhook
    # Typed errors by code: an unknown id is a NotFoundError with the request id.
    assert result["not_found"]["error"] == "NotFoundError", result
    assert result["not_found"]["request_id"].startswith("req_"), result
    assert result["validation"]["error"] == "ValidationError", result
    assert "title" in result["validation"]["fields"], result
    if "idempotency_keys" in result:  # where the scenario can see each attempt's headers
        keys = result["idempotency_keys"]
        assert len(keys) >= 2 and len(set(keys)) == 1 and keys[0], keys
    if stream:
        assert result["stream"]["type"] == "challenge.created", result
        assert result["stream"]["object_id"] == result["stream"]["expected_id"], result
