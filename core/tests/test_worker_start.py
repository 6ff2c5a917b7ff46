"""``core.testing.celery_worker_start`` starts a worker whose first interpreter died importing an
installed module: the second attempt compiles from the sources into a fresh bytecode cache."""

import importlib.util
import sys
from importlib._bootstrap_external import _code_to_timestamp_pyc
from pathlib import Path

import pytest

from core.testing import celery_worker_start, celery_workers_stop

pytestmark = pytest.mark.slow


def _poison(prefix: Path, module: str) -> None:
    """A valid ``.pyc`` of ``module`` under the bytecode cache ``prefix`` whose code only exits:
    an interpreter that reads it dies importing ``module``, as a worker did on the CI machine."""
    source = Path(importlib.util.find_spec(module).origin)
    stat = source.stat()
    code = compile("raise SystemExit('poisoned bytecode')", str(source), "exec")
    target = (
        prefix
        / source.parent.relative_to(source.anchor)
        / (f"{source.stem}.{sys.implementation.cache_tag}.pyc")
    )
    target.parent.mkdir(parents=True)
    target.write_bytes(_code_to_timestamp_pyc(code, int(stat.st_mtime), stat.st_size))


def test_a_worker_that_dies_importing_starts_again_from_the_sources(tmp_path):
    poisoned = tmp_path / "poisoned-cache"
    _poison(poisoned, "kombu.utils.limits")  # what the CI worker failed to import
    log_path = tmp_path / "worker.log"
    worker = celery_worker_start(
        queues="default", log_path=log_path, pool="solo", PYTHONPYCACHEPREFIX=str(poisoned)
    )
    try:
        log = log_path.read_text()
        assert "poisoned bytecode" in log  # the first interpreter died of it
        assert "the worker exited before it was ready; again" in log
        assert worker.poll() is None  # the second is up, not reading the poisoned cache
    finally:
        celery_workers_stop([worker])
