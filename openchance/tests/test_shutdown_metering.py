"""Every web server process pushes its usage buffer when it stops gracefully.

A metered call waits in its process's buffer until the next call's rate-limit round trip or the
background pusher (``USAGE_PUSH_INTERVAL``, here 60 s so it cannot help) takes it to Redis. A
process that exits in between must push it on its way out: uvicorn through the ASGI lifespan
(``openchance.asgi.lifespan``: uvicorn re-raises SIGTERM, so ``atexit`` never runs), granian
workers through ``openchance.wsgi``'s exit finalizer (a multiprocessing child ends with
``os._exit``). Each test makes one call, stops the server at once with SIGTERM and finds the
call's record in the Redis stream.
"""

import httpx
import pytest
from django_redis import get_redis_connection

from api.testing import NGINX, platform_server, uvicorn_server
from core.testing import host_of
from metering.records import USAGE_STREAM

pytestmark = pytest.mark.slow

SLOW_PUSHER = {"USAGE_PUSH_INTERVAL": "60"}


def _stream_request_ids() -> set[str]:
    entries = get_redis_connection("default").xrange(USAGE_STREAM)
    return {fields[b"id"].decode() for _entry_id, fields in entries if b"id" in fields}


def _me(base_url: str, tenant, live_key: str) -> str:
    response = httpx.get(
        f"{base_url}/v1/me",
        headers={"Host": host_of(tenant), "Authorization": f"Bearer {live_key}"},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    return response.headers["X-Request-Id"]


def test_uvicorn_pushes_the_buffer_on_sigterm(_session_api_keys, tenant, live_key, tmp_path):
    with uvicorn_server(log_dir=tmp_path, **SLOW_PUSHER) as base_url:
        # when
        request_id = _me(base_url, tenant, live_key)
        assert request_id not in _stream_request_ids()  # still in the process's buffer
    # (uvicorn_server's exit sends SIGTERM and waits for the process)

    # then
    assert request_id in _stream_request_ids()


@pytest.mark.skipif(NGINX is None, reason="nginx is not installed (`make test` installs it)")
def test_the_make_run_topology_pushes_the_buffer_on_sigterm(
    _session_api_keys, tenant, live_key, tmp_path
):
    # given: nginx in front of two granian workers, as `make run` serves HTTP
    with platform_server(log_dir=tmp_path, web_concurrency=2, **SLOW_PUSHER) as platform:
        request_ids = [_me(platform.base_url, tenant, live_key) for _ in range(6)]
        # a worker's last call rides on no later round trip: it waits in that worker's buffer
        assert set(request_ids) - _stream_request_ids()

        # when: stopped as Ctrl-C or a process manager stops it
        exit_code = platform.stop()

    # then: every call's record reached Redis, from whichever worker served it
    assert exit_code == 0, platform.log_file.read_text()[-2000:]
    assert set(request_ids) <= _stream_request_ids()
