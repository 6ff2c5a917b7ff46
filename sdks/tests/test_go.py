"""The Go SDK: the hand-written module (standard library only) vets and runs the scenario of
sdks/go/examples/scenario against the live platform (sdks/tests/conftest.py); the generated
module (sdks/go/api) compiles against Debian's gopkg.in/validator.v2 — this machine reaches no Go
module proxy, so it builds in GOPATH mode from /usr/share/gocode."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from sdks.tests.conftest import SDKS, run_scenario, scenario_check, toolchain_or_skip

pytestmark = pytest.mark.slow
MODULE = SDKS / "go"
DEBIAN_GOCODE = Path("/usr/share/gocode")


def _go_env(**extra: str) -> dict[str, str]:
    return {**os.environ, "GOPROXY": "off", "GOFLAGS": "-mod=mod", "GOTOOLCHAIN": "local", **extra}


def test_the_go_scenario(live_platform):
    # given
    toolchain_or_skip("go")
    vet = subprocess.run(
        ["go", "vet", "./..."], cwd=MODULE, env=_go_env(), capture_output=True, text=True
    )
    assert vet.returncode == 0, vet.stdout + vet.stderr

    # when
    result = run_scenario(
        ["go", "run", "./examples/scenario"], cwd=MODULE, env=_go_env(**live_platform.env("go"))
    )

    # then
    scenario_check(result, live_platform, stream=True)


def test_the_go_unit_tests():
    # Webhook verification and the retry decisions, without a server (openchance_test.go).
    toolchain_or_skip("go")
    run = subprocess.run(
        ["go", "test", "./..."], cwd=MODULE, env=_go_env(), capture_output=True, text=True
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "ok  \tgithub.com/openchance/openchance-go\t" in run.stdout, run.stdout


def test_the_generated_go_package_compiles(tmp_path):
    toolchain_or_skip("go")
    validator = DEBIAN_GOCODE / "src" / "gopkg.in" / "validator.v2"
    if not validator.is_dir():
        reason = "golang-gopkg-validator.v2-dev is not installed (`make system` installs it)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    # given: the generated package in a GOPATH beside Debian's Go sources
    package = tmp_path / "src" / "github.com" / "openchance" / "openchance-go" / "api"
    shutil.copytree(MODULE / "api", package)

    # when
    build = subprocess.run(
        ["go", "build", "github.com/openchance/openchance-go/api"],
        cwd=tmp_path,
        env={**os.environ, "GO111MODULE": "off", "GOPATH": f"{tmp_path}:{DEBIAN_GOCODE}"},
        capture_output=True,
        text=True,
    )

    # then
    assert build.returncode == 0, build.stdout + build.stderr
