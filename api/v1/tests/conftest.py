"""Fixtures for /v1 endpoint tests: API clients per key and host."""

import pytest
from django.conf import settings
from django.db import connection

from api.v1.tests.support import Api


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
def in_schema():
    """``in_schema(tenant)``: point the test's connection at a tenant schema for direct reads."""

    def switch(tenant):
        connection.set_tenant(tenant)

    yield switch
    connection.set_schema_to_public()
