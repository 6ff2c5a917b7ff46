"""Fixtures of the data pages' tests: a logged-in client per role on the tenant's host, the
outsider (another tenant's owner), anonymous, the live/sandbox switch, and ledger/log rows."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test import Client

from core.testing import host_of
from tenants.models import Membership, User

ROLES = ("owner", "admin", "developer", "viewer")
WRITERS = ("owner", "admin", "developer")


@pytest.fixture
def persona(tenant, owner, member, outsider):
    """``persona(name)``: the user of a role in ``tenant`` (``owner``, ``admin``, ``developer``,
    ``viewer``) or ``outsider`` (owner of ``other_tenant``)."""
    users = {"owner": owner, "developer": member, "outsider": outsider}

    def get(name: str) -> User:
        if name not in users:
            user = User.objects.create_user(email=f"{name}@alpha.test")
            Membership.objects.create(user=user, tenant=tenant, role=name)
            users[name] = user
        return users[name]

    return get


@pytest.fixture
def portal_client(tenant, persona):
    """``portal_client(name, mode="test")``: a Client on the tenant's host logged in as that
    persona (``anonymous``: not logged in) with the live/sandbox switch set to ``mode``."""

    def make(name: str, mode: str = "test") -> Client:
        client = Client(HTTP_HOST=host_of(tenant))
        if name != "anonymous":
            client.force_login(persona(name))
            if mode != "test":
                assert client.post("/mode/", {"mode": mode, "next": "/"}).status_code == 302
        return client

    return make


@pytest.fixture
def ledger_row(tenant):
    """``ledger_row(**fields)``: one UsageMinute of ``tenant`` (live, 200, one call by default)."""
    from metering.models import UsageMinute

    def add(**fields) -> UsageMinute:
        values = {
            "tenant": tenant,
            "api_key_id": "key_TEST",
            "mode": "live",
            "minute": datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(hours=1),
            "method": "GET",
            "route": "/v1/me",
            "status": 200,
            "calls": 1,
            "duration_ms_total": 10.0,
            "duration_ms_max": 10.0,
        }
        values.update(fields)
        values.setdefault("is_billable", values["mode"] == "live" and values["status"] < 500)
        return UsageMinute.objects.create(**values)

    return add


@pytest.fixture
def request_log(tenant):
    """``request_log(schema_tenant, **fields)``: a RequestLog row in that tenant's schema."""
    from requestlog.models import RequestLog

    counter = iter(range(1, 1_000_000))

    def add(schema_tenant=None, **fields) -> RequestLog:
        values = {
            "request_id": f"req_{next(counter):032x}",
            "api_key_id": "key_TEST",
            "method": "GET",
            "route": "/v1/me",
            "path": "/v1/me",
            "status": 200,
            "duration_ms": 12.5,
            "request_bytes": 0,
            "response_bytes": 100,
            "created_at": datetime.now(UTC) - timedelta(minutes=5),
        }
        values.update(fields)
        previous = connection.tenant if hasattr(connection, "tenant") else None
        connection.set_tenant(schema_tenant or tenant)
        try:
            return RequestLog.objects.create(**values)
        finally:
            if previous is not None and previous.schema_name != "public":
                connection.set_tenant(previous)
            else:
                connection.set_schema_to_public()

    return add


@pytest.fixture
def sink():
    """A real HTTP receiver on 127.0.0.1 (webhooks.testing), allowed as a webhook target."""
    from webhooks.testing import WebhookSink

    receiver = WebhookSink()
    yield receiver
    receiver.close()


@pytest.fixture
def allow_sink(settings, sink):
    settings.WEBHOOK_ALLOWED_PRIVATE_HOSTS = [sink.host]
    return sink


@pytest.fixture
def endpoint_in(allow_sink):
    """``endpoint_in(schema_tenant, **fields)``: a webhook endpoint created through the service
    in that tenant's schema (live row or sandbox)."""
    from django_tenants.utils import tenant_context

    from webhooks.services.endpoints import webhook_endpoint_create

    def create(schema_tenant, **fields):
        values = {"url": allow_sink.url("/hook"), "event_types": ["*"], "description": "sink"}
        values.update(fields)
        with tenant_context(schema_tenant):
            return webhook_endpoint_create(**values)

    return create


@pytest.fixture
def queries_of():
    """``queries_of(callable)`` → ``(its result, the SQL statements it ran)``, without the
    ``SET search_path`` this project's database backend sends before queries (it says nothing
    about a page's cost)."""
    from django.test.utils import CaptureQueriesContext

    def run(call):
        with CaptureQueriesContext(connection) as captured:
            result = call()
        sql = [q["sql"] for q in captured.captured_queries if not q["sql"].startswith("SET ")]
        return result, sql

    return run
