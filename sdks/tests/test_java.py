"""The Java SDK's hand-written layer: `javac` compiles it (and its scenario) against Debian's
Jackson (libjackson2-databind-java), and the scenario (sdks/java/examples/Scenario.java) runs
against the live platform (sdks/tests/conftest.py). The generated client (sdks/java/generated)
is not compiled: it needs jackson-datatype-jsr310, which Debian does not package."""

import os
import subprocess
from pathlib import Path

import pytest

from sdks.tests.conftest import SDKS, run_scenario, scenario_check, toolchain_or_skip

pytestmark = pytest.mark.slow
PACKAGE = SDKS / "java"
JARS = [Path(f"/usr/share/java/jackson-{name}.jar") for name in ("databind", "core", "annotations")]


def test_the_java_scenario(live_platform, tmp_path):
    # given
    toolchain_or_skip("javac", "java")
    missing = [str(jar) for jar in JARS if not jar.exists()]
    if missing:
        reason = f"{', '.join(missing)} missing (`make system` installs libjackson2-databind-java)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    classpath = ":".join(str(jar) for jar in JARS)
    sources = sorted(str(path) for path in (PACKAGE / "src").rglob("*.java"))
    compiled = subprocess.run(
        ["javac", "-d", str(tmp_path), "-cp", classpath, *sources, "examples/Scenario.java"],
        cwd=PACKAGE,
        capture_output=True,
        text=True,
    )
    assert compiled.returncode == 0, compiled.stderr[-3000:]

    # when
    result = run_scenario(
        ["java", "-cp", f"{tmp_path}:{classpath}", "Scenario"],
        cwd=PACKAGE,
        env=live_platform.env("java"),
    )

    # then
    scenario_check(result, live_platform, stream=False)
