"""The PHP SDK (on Debian's Guzzle): every file of the hand-written package and of the generated
one (sdks/php/generated) passes `php -l`; the package's scenario (sdks/php/examples/scenario.php)
runs against the live platform (sdks/tests/conftest.py)."""

import os
import subprocess
from pathlib import Path

import pytest

from sdks.tests.conftest import SDKS, run_scenario, scenario_check, toolchain_or_skip

pytestmark = pytest.mark.slow
PACKAGE = SDKS / "php"
GUZZLE = Path("/usr/share/php/GuzzleHttp/Client.php")


def test_every_php_file_parses():
    toolchain_or_skip("php")
    files = sorted(PACKAGE.rglob("*.php"))
    assert len(files) > 50, files  # the generated package is there
    for path in files:
        lint = subprocess.run(["php", "-l", str(path)], capture_output=True, text=True)
        assert lint.returncode == 0, lint.stdout + lint.stderr


def test_the_php_scenario(live_platform):
    toolchain_or_skip("php")
    if not GUZZLE.exists():
        reason = "php-guzzlehttp-guzzle is not installed (`make system` installs it)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    result = run_scenario(
        ["php", "examples/scenario.php"], cwd=PACKAGE, env=live_platform.env("php")
    )
    scenario_check(result, live_platform, stream=False)
