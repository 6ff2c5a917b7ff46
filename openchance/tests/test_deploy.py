"""The production example (deploy/nginx.conf, deploy/Procfile) works as written.

nginx runs ``deploy/nginx.conf`` with only its machine-specific values rewritten (the paths, the
port, the user) — each rewrite must find its text, so the example cannot drift from what is
tested — in front of granian and uvicorn on the sockets the example names (started by
``scripts/run.py`` without its front). An HTTP API call and a WebSocket subscription go through
it; routing is by ``Upgrade``, not by path. The Procfile's web commands are the ones `make run`
uses.
"""

import json
import os
import shlex
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest
from websockets.sync.client import connect

from api.stream import stream_publish
from api.testing import BASE_DIR, NGINX, free_port, nginx_start, platform_server
from core.testing import host_of

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(NGINX is None, reason="nginx is not installed (`make test` installs it)"),
]

DEPLOY = BASE_DIR / "deploy"


def _example_config(*, run_dir: Path, port: int, directory: Path) -> str:
    config = (DEPLOY / "nginx.conf").read_text()
    rewrites = [
        ("/run/openchance/", f"{run_dir}/"),
        ("/srv/openchance/", f"{BASE_DIR}/"),
        ("listen 80 default_server;", f"listen 127.0.0.1:{port} default_server;"),
        ("pid /run/nginx.pid;", f"pid {directory}/nginx.pid;"),
        ("error_log /var/log/nginx/error.log warn;", "error_log stderr warn;"),
        ("access_log /var/log/nginx/openchance.access.log;", "access_log off;"),
        # root's workers would run as www-data, who cannot reach a test's sockets
        ("user www-data;", "user root;" if os.geteuid() == 0 else ""),
    ]
    for old, new in rewrites:
        assert old in config, f"deploy/nginx.conf no longer has {old!r}"
        config = config.replace(old, new)
    temp = directory / "temp"
    temp.mkdir()
    paths = "".join(
        f"    {kind}_temp_path {temp / kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return config.replace("http {\n", "http {\n" + paths, 1)


@pytest.fixture(scope="module")
def front(_session_api_keys, tmp_path_factory):
    log_dir = tmp_path_factory.mktemp("deploy")
    with platform_server(log_dir=log_dir, processes="web,stream") as servers:
        port = free_port()
        directory = log_dir / "nginx"
        directory.mkdir()
        nginx = nginx_start(
            _example_config(run_dir=servers.run_dir, port=port, directory=directory),
            directory=directory,
        )
        try:
            deadline = time.monotonic() + 20
            while True:
                try:
                    httpx.get(f"http://127.0.0.1:{port}/livez", timeout=2)
                    break
                except httpx.TransportError:
                    if nginx.poll() is not None or time.monotonic() > deadline:
                        pytest.fail((directory / "nginx.log").read_text())
                    time.sleep(0.1)
            yield port
        finally:
            nginx.terminate()
            nginx.wait(timeout=10)
            # and nothing of it is left running (a daemonised master once outlived every run)
            left = subprocess.run(  # noqa: S603 - our own fixed command line
                ["pgrep", "-f", f"nginx.*{directory}"], capture_output=True, text=True
            ).stdout.split()
            assert left == [], f"nginx processes left running: {left}"


def test_an_api_call_through_the_example(front, tenant, live_key):
    response = httpx.get(
        f"http://127.0.0.1:{front}/v1/me",
        headers={
            "Host": host_of(tenant),
            "Authorization": f"Bearer {live_key}",
        },
        timeout=10,
    )

    assert response.status_code == 200, response.text
    assert response.json()["tenant"]["id"] == tenant.slug
    assert response.headers["X-Request-Id"].startswith("req_")


def test_a_websocket_subscription_through_the_example(front, tenant, live_key):
    with connect(
        f"ws://{host_of(tenant)}:{front}/v1/ws",
        sock=socket.create_connection(("127.0.0.1", front)),
        additional_headers={"Authorization": f"Bearer {live_key}"},
        open_timeout=10,
    ) as ws:
        assert json.loads(ws.recv(timeout=10))["type"] == "welcome"
        ws.send(json.dumps({"type": "subscribe", "events": ["challenge.created"]}))
        assert json.loads(ws.recv(timeout=10))["type"] == "subscribed"

        stream_publish(
            schema_name=tenant.schema_name,
            payload={"id": "evt_deploy", "object": "event", "type": "challenge.created"},
        )

        message = json.loads(ws.recv(timeout=10))
        assert message["type"] == "event" and message["event"]["id"] == "evt_deploy"


def test_a_plain_request_to_the_stream_path_goes_to_the_wsgi_server(front, tenant, live_key):
    # Routing is by Upgrade, not by path: without it /v1/ws is an HTTP request like any other.
    response = httpx.get(
        f"http://127.0.0.1:{front}/v1/ws",
        headers={"Host": host_of(tenant), "Authorization": f"Bearer {live_key}"},
        timeout=10,
    )

    assert response.status_code == 404
    assert response.headers["Content-Type"].startswith("application/problem+json")


def test_the_procfile_serves_as_make_run_does():
    from importlib.util import module_from_spec, spec_from_file_location

    spec = spec_from_file_location("run_script", BASE_DIR / "scripts" / "run.py")
    run_script = module_from_spec(spec)
    spec.loader.exec_module(run_script)
    procfile = {
        name: shlex.split(command)
        for name, _, command in (
            line.partition(": ")
            for line in (DEPLOY / "Procfile").read_text().splitlines()
            if line and not line.startswith("#")
        )
    }

    def application(argv: list[str]) -> str:
        return next(argument for argument in argv if argument.endswith(":application"))

    for name in ("web", "stream"):
        ours, theirs = run_script.PROCESSES[name], procfile[name]
        # the same server, application and flags (values may differ: sockets, worker counts)
        assert Path(theirs[0]).name == Path(ours[0]).name
        assert application(theirs) == application(ours)
        assert {f for f in theirs if f.startswith("--")} >= {f for f in ours if f.startswith("--")}
