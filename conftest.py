"""Shared test fixtures: tenants, personas, HTTP clients per host, and a real Celery worker.

The session tenants (``tenant`` = alpha, ``other_tenant`` = beta) are provisioned once, committed,
and reused (also across runs with --reuse-db); each test runs inside a transaction on top of them,
so whatever a test writes is rolled back, schemas included (PostgreSQL DDL is transactional).

Do not use ``transactional_db`` or ``live_server``: their flush would wipe the committed tenants.
Tests that need another process to see data (a worker, a server) commit it with
``django_db_blocker.unblock()`` and clean it up themselves.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from api.v1.tests.support import Api
from core.testing import host_of

os.environ["OPENCHANCE_ENV"] = "test"  # inherited by worker/server processes started by tests

BASE_DIR = Path(__file__).resolve().parent
PERSONA_PASSWORD = "correct-horse-battery-staple"  # noqa: S105 - test personas only


def _require_test_database_for_committing_tests() -> None:
    """pytest-django sets up the test database only when a collected test is db-marked; a run of
    only committing tests (``_session_tenants`` + ``django_db_blocker.unblock()``) would otherwise
    talk to the development database. Count those tests as needing it too."""
    import pytest_django.fixtures as pytest_django_fixtures

    original = pytest_django_fixtures._get_databases_for_setup

    def databases_for_setup(items):
        aliases, serialized = original(items)
        if any("_session_tenants" in getattr(item, "fixturenames", ()) for item in items):
            aliases = {*aliases, "default"}
        return aliases, serialized

    pytest_django_fixtures._get_databases_for_setup = databases_for_setup


_require_test_database_for_committing_tests()


@pytest.fixture(autouse=True)
def _fresh_host_cache():
    from django.db import connection

    from tenants.selectors import host_cache_clear

    host_cache_clear()
    connection.set_schema_to_public()
    yield
    host_cache_clear()
    connection.set_schema_to_public()


@pytest.fixture(scope="session")
def _redis_clean(django_db_setup):
    from django_redis import get_redis_connection

    get_redis_connection("default").flushdb()


def _session_tenant(slug: str, owner_email: str, plan: str):
    from django_tenants.utils import tenant_context

    from events.models import Event
    from organisations.services import organisation_provision
    from tenants.selectors import tenant_get_live

    tenant = tenant_get_live(slug=slug)
    if tenant is None:
        tenant = organisation_provision(
            issue_keys=False, slug=slug, name=slug.title(), plan_code=plan, owner_email=owner_email
        ).tenant
        # Provisioning records billing.subscription_created in the new tenant's outbox; the
        # session tenants start with an empty one, so that every test sees only its own events.
        with tenant_context(tenant):
            Event.objects.all().delete()
    return tenant


@pytest.fixture(scope="session")
def _session_tenants(django_db_setup, django_db_blocker, _redis_clean):
    from tenants.models import Membership, User

    with django_db_blocker.unblock():
        alpha = _session_tenant("alpha", "owner@alpha.test", "pro")
        beta = _session_tenant("beta", "owner@beta.test", "pro")
        member, _ = User.objects.get_or_create(email="member@alpha.test")
        Membership.objects.get_or_create(
            user=member, tenant=alpha, defaults={"role": Membership.Role.DEVELOPER}
        )
        for user in User.objects.filter(
            email__in=["owner@alpha.test", "owner@beta.test", "member@alpha.test"]
        ):
            user.set_password(PERSONA_PASSWORD)
            user.save(update_fields=["password"])
    return alpha, beta


@pytest.fixture
def tenant(_session_tenants, db):
    """The tenant under test (slug ``alpha``, plan pro), live row."""
    from tenants.models import Tenant

    return Tenant.objects.select_related("plan").get(pk=_session_tenants[0].pk)


@pytest.fixture
def other_tenant(_session_tenants, db):
    """Another tenant (slug ``beta``): the outsider's, which must never see ``tenant``'s data."""
    from tenants.models import Tenant

    return Tenant.objects.select_related("plan").get(pk=_session_tenants[1].pk)


@pytest.fixture
def sandbox(tenant):
    return tenant.sandbox


@pytest.fixture
def owner(tenant):
    return tenant.memberships.get(role="owner").user


@pytest.fixture
def member(tenant):
    return tenant.memberships.get(user__email="member@alpha.test").user


@pytest.fixture
def outsider(other_tenant):
    return other_tenant.memberships.get(role="owner").user


@pytest.fixture
def public_client():
    return Client(HTTP_HOST=settings.BASE_DOMAIN)


@pytest.fixture
def tenant_client(tenant):
    """An HTTP client (Django's, through the full middleware stack) on the tenant's host."""
    return Client(HTTP_HOST=host_of(tenant))


@pytest.fixture
def other_tenant_client(other_tenant):
    return Client(HTTP_HOST=host_of(other_tenant))


@pytest.fixture(autouse=True)
def _fresh_gateway_cache():
    from api.gateway import key_cache_clear
    from api.response_cache import response_cache

    key_cache_clear()
    response_cache.clear()
    yield
    key_cache_clear()
    response_cache.clear()


@pytest.fixture(scope="session")
def _session_api_keys(_session_tenants, django_db_blocker):
    """Raw keys of the session tenants, committed once per session (only hashes are stored, so
    each session deletes the previous session's fixture keys and issues new ones)."""
    from apikeys.models import ApiKey
    from apikeys.services import api_key_create

    alpha, beta = _session_tenants
    with django_db_blocker.unblock():
        ApiKey.objects.filter(name__startswith="pytest ").delete()
        return {
            "live": api_key_create(tenant=alpha, name="pytest live", mode="live").secret,
            "test": api_key_create(tenant=alpha, name="pytest test", mode="test").secret,
            "other_live": api_key_create(tenant=beta, name="pytest other", mode="live").secret,
        }


@pytest.fixture
def live_key(_session_api_keys, db):
    """A raw live key (scope ``all``) of ``tenant`` (alpha)."""
    return _session_api_keys["live"]


@pytest.fixture
def test_key(_session_api_keys, db):
    """A raw test (sandbox) key (scope ``all``) of ``tenant`` (alpha)."""
    return _session_api_keys["test"]


@pytest.fixture
def other_live_key(_session_api_keys, db):
    """A raw live key of ``other_tenant`` (beta): the outsider's."""
    return _session_api_keys["other_live"]


@pytest.fixture
def api_client_factory(_session_tenants, db):
    """``api_client_factory(key, host=None)``: a Django test Client sending ``Authorization:
    Bearer <key>`` to ``host`` (default: the tenant's host; ``settings.BASE_DOMAIN`` prefixed
    with ``api.`` for the shared API host). The session tenants' rate-limit buckets are refilled
    first, so tests do not inherit each other's traffic."""
    from api.gateway import rate_limit_reset

    for session_tenant in _session_tenants:
        rate_limit_reset(organisation_id=session_tenant.pk)

    def make(key: str | None, host: str | None = None) -> Client:
        headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
        return Client(HTTP_HOST=host or host_of(_session_tenants[0]), **headers)

    return make


@pytest.fixture
def api_client(api_client_factory, live_key):
    """A Django test Client on the tenant's (alpha's) host with its live key."""
    return api_client_factory(live_key)


@pytest.fixture
def sandbox_api_client(api_client_factory, test_key):
    """A Django test Client on the tenant's host with its test (sandbox) key."""
    return api_client_factory(test_key)


@pytest.fixture
def other_api_client(api_client_factory, other_live_key, other_tenant):
    """The outsider: beta's live key on beta's host."""
    return api_client_factory(other_live_key, host=host_of(other_tenant))


@pytest.fixture(scope="session")
def celery_worker_process(_session_tenants, tmp_path_factory):
    """A real Celery worker (separate process) on every queue, the test database and Redis, once
    it has reported alive (its start-up heartbeat, which /healthz reads)."""
    from django_redis import get_redis_connection

    from core.testing import (
        celery_queues_purge,
        celery_worker_start,
        celery_workers_stop,
        wait_for,
    )
    from openchance.health import HEARTBEAT_KEY

    redis = get_redis_connection("default")
    redis.delete(HEARTBEAT_KEY)
    celery_queues_purge("default,webhooks,billing")
    log_file = tmp_path_factory.mktemp("worker") / "worker.log"
    process = celery_worker_start(queues="default,webhooks,billing", log_path=log_file)
    wait_for(lambda: redis.get(HEARTBEAT_KEY), timeout=60, message="no worker heartbeat")
    process.log_file = log_file
    yield process
    celery_workers_stop([process])


# --- /v1 clients that speak JSON (api.v1.tests.support.Api)


@pytest.fixture
def api(api_client):
    """The tenant's live key on the tenant's host."""
    return Api(api_client)


@pytest.fixture
def sandbox_api(sandbox_api_client):
    return Api(sandbox_api_client)


@pytest.fixture
def api_host(api_client_factory, live_key):
    """The tenant's live key on the shared API host."""
    return Api(api_client_factory(live_key, host=f"api.{settings.BASE_DOMAIN}"))


@pytest.fixture
def outsider_api_host(api_client_factory, other_live_key):
    """Another tenant's live key on the shared API host: it lands in the other tenant."""
    return Api(api_client_factory(other_live_key, host=f"api.{settings.BASE_DOMAIN}"))


@pytest.fixture
def in_tenant(tenant):
    """Run the test body in the tenant's live schema (as a request on its host would)."""
    connection.set_tenant(tenant)
    yield tenant
    connection.set_schema_to_public()


@pytest.fixture
def in_sandbox(sandbox):
    """Run the test body in the tenant's sandbox schema."""
    connection.set_tenant(sandbox)
    yield sandbox
    connection.set_schema_to_public()


@pytest.fixture
def in_schema():
    """``in_schema(tenant)``: point the test's connection at a tenant schema for direct reads."""

    def switch(tenant):
        connection.set_tenant(tenant)

    yield switch
    connection.set_schema_to_public()
