import pytest
from django.db import connection


@pytest.fixture
def in_tenant(tenant):
    """Run the test body in the tenant's live schema (as a request on its host would)."""
    connection.set_tenant(tenant)
    yield tenant
    connection.set_schema_to_public()


@pytest.fixture
def in_sandbox(sandbox):
    connection.set_tenant(sandbox)
    yield sandbox
    connection.set_schema_to_public()
