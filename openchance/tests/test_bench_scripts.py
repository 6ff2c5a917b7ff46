"""Every benchmark starts as ``make bench`` runs it — ``python bench/<name>.py``, with bench/ at
the head of sys.path, where bench/http.py would stand in for the standard library's ``http``
package that Django and the scripts import."""

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"

# Runs the script's module-level code (its imports, Django's set-up) as a script run would, with
# bench/ first on sys.path, but not its main().
_PROBE = """
import runpy, sys
sys.path.insert(0, sys.argv[1])
names = runpy.run_path(sys.argv[2], run_name="bench_import_probe")
for started in (names.get("sink_process"),):  # bench/webhooks.py starts its receiver at import
    if started is not None:
        started.terminate()
        started.wait()
import http
assert http.__file__.startswith(sys.base_prefix), http.__file__
"""


@pytest.mark.parametrize("script", sorted(BENCH.glob("*.py")), ids=lambda path: path.name)
def test_every_benchmark_starts_with_the_standard_librarys_http(script):
    result = subprocess.run(  # noqa: S603 - our own interpreter and files
        [sys.executable, "-c", _PROBE, str(BENCH), str(script)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
