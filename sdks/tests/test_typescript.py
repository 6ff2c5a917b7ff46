"""The TypeScript SDK end to end: `tsc --strict` builds the package (ESM and CommonJS, incremental
builds cached in node_modules/.cache), the CommonJS build loads with `require`, and the scenario
of sdks/tests/e2e/scenario.mjs runs on Node against the live platform (sdks/tests/conftest.py)."""

import subprocess

import pytest

from sdks.tests.conftest import E2E, SDKS, run_scenario, scenario_check, toolchain_or_skip

pytestmark = pytest.mark.slow
PACKAGE = SDKS / "typescript"


def _npm_ci_and_build() -> None:
    if not (PACKAGE / "node_modules" / ".bin" / "tsc").exists():
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=PACKAGE, check=True
        )
    for config, cache in (("tsconfig.esm.json", "esm"), ("tsconfig.cjs.json", "cjs")):
        build = subprocess.run(
            [
                "node_modules/.bin/tsc", "-p", config, "--incremental",
                "--tsBuildInfoFile", f"node_modules/.cache/{cache}.tsbuildinfo",
            ],
            cwd=PACKAGE, capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert build.returncode == 0, build.stdout + build.stderr
    subprocess.run(["node", "scripts/cjs-package.mjs"], cwd=PACKAGE, check=True)


def test_the_typescript_scenario(live_platform):
    # given
    toolchain_or_skip("node", "npm")
    _npm_ci_and_build()
    script = (
        "const sdk = require('./dist/cjs/index.js'); console.log(typeof sdk.OpenChance, "
        "typeof sdk.RateLimitedError, typeof sdk.api.challengesList)"
    )
    required = subprocess.run(
        ["node", "-e", script], cwd=PACKAGE, capture_output=True, text=True, check=False
    )
    assert required.stdout.split() == ["function", "function", "function"], required.stderr

    # when
    result = run_scenario(["node", str(E2E / "scenario.mjs")], cwd=E2E, env=live_platform.env("ts"))

    # then
    scenario_check(result, live_platform, stream=True)
    assert result["generated_listed"] == result["listed"], result
    assert result["generated_not_found"] == "NotFoundError", result
