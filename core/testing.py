"""Helpers for tests: hosts, environments of processes started by tests, polling."""

import os
import time

import pytest
from django.conf import settings


def host_of(tenant) -> str:
    return f"{tenant.slug}.{settings.BASE_DOMAIN}"


def database_url() -> str:
    db = settings.DATABASES["default"]
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


def subprocess_env(**extra) -> dict[str, str]:
    """Environment for processes started by tests: the test database and Redis, test settings."""
    env = dict(os.environ)
    env.update(
        OPENCHANCE_ENV="test",
        DATABASE_URL=database_url(),
        REDIS_URL=settings.REDIS_URL,
        CELERY_BROKER_URL=settings.CELERY_BROKER_URL,
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def wait_for(predicate, *, timeout: float = 20.0, interval: float = 0.1, message: str = ""):
    """Poll ``predicate`` until it returns a truthy value; fail the test after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(message or f"condition not met within {timeout} s")
        time.sleep(interval)


def problem(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json"), response["Content-Type"]
    body = response.json()
    for member in ("type", "title", "status", "detail", "code", "request_id"):
        assert member in body, body
    assert body["status"] == status
    assert body["request_id"] == response["X-Request-Id"]
    assert body["type"].endswith(body["code"]) and body["title"] and body["detail"]
    if code is not None:
        assert body["code"] == code, body
    return body
