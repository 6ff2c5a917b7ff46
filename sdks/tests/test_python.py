"""The Python SDK end to end against the live platform (sdks/tests/conftest.py): the scenario of
sdks/tests/e2e/scenario.py — create, auto-paginated list, idempotent replay, typed errors, a 429
and the retry, a verified webhook, a stream event, and the asyncio client — run as a user's
program would run it, with only sdks/python on the path (the SDK's ``openchance`` package is
not this repository's ``openchance`` settings package)."""

import subprocess
import sys

import pytest

from sdks.tests.conftest import E2E, SDKS, run_scenario, scenario_check

pytestmark = pytest.mark.slow


def test_the_python_scenario_sync_and_async(live_platform):
    # given
    env = live_platform.env("python") | {"PYTHONPATH": str(SDKS / "python")}

    # when
    result = run_scenario([sys.executable, str(E2E / "scenario.py")], cwd=E2E, env=env)

    # then
    scenario_check(result, live_platform, stream=True)
    assert result["generated_listed"] == result["listed"], result
    assert result["generated_not_found"] == "NotFoundError", result
    assert "idempotency_keys" in result, result  # checked by scenario_check
    asynchronous = result["async"]
    assert set(asynchronous["created"]) <= set(asynchronous["listed"]), asynchronous
    assert len(asynchronous["listed"]) == len(set(asynchronous["listed"])), asynchronous
    assert asynchronous["not_found"]["error"] == "NotFoundError", asynchronous
    assert asynchronous["not_found"]["request_id"].startswith("req_"), asynchronous
    assert asynchronous["stream_type"] == "challenge.created", asynchronous


def test_the_python_sdk_is_mypy_strict_clean(tmp_path):
    """The hand-written layer and the generated package pass ``mypy --strict`` (the generator's
    context-manager methods come from sdks/python-templates/client.py.jinja, typed)."""
    checked = subprocess.run(  # noqa: S603 - our own fixed command line
        [
            sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path),
            "openchance", "openchance_api",
        ],
        cwd=SDKS / "python",
        capture_output=True,
        text=True,
        timeout=600,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stdout[-4000:] + checked.stderr[-2000:]
    assert "Success: no issues found" in checked.stdout
