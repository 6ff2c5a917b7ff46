"""Schema switching on the connection (``tenants.postgresql_backend.DatabaseWrapper.set_tenant``):
a switch to the schema already set only swaps the tenant object; any other switch is
django-tenants' own. Either way every statement runs in the schema of the last switch."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django_tenants.postgresql_backend.base import FakeTenant
from django_tenants.utils import get_public_schema_name

from tenants.models import Tenant

pytestmark = pytest.mark.django_db


def _current_schema() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        return cursor.fetchone()[0]


def test_statements_follow_every_switch_whatever_the_order(tenant, sandbox, other_tenant):
    public = get_public_schema_name()
    # Same-schema switches between different ones, with other objects for the same tenant.
    steps = [
        tenant,
        Tenant.objects.get(pk=tenant.pk),  # another object, the same schema
        sandbox,
        sandbox,
        FakeTenant(schema_name=public),
        FakeTenant(schema_name=public),
        other_tenant,
        tenant,
    ]
    try:
        for step in steps:
            connection.set_tenant(step)
            assert connection.tenant is step
            assert connection.schema_name == step.schema_name
            assert _current_schema() == step.schema_name
    finally:
        connection.set_schema_to_public()
    assert _current_schema() == public


def test_a_same_schema_switch_keeps_what_belongs_to_the_schema(tenant):
    connection.set_tenant(tenant)
    try:
        ContentType.objects.get_for_model(Tenant)  # cached for this schema
        assert ContentType.objects._cache
        connection.set_tenant(Tenant.objects.get(pk=tenant.pk))
        assert ContentType.objects._cache, "a switch to the same schema kept the cache"
        connection.set_schema_to_public()
        assert not ContentType.objects._cache, "a switch to another schema cleared it"
    finally:
        connection.set_schema_to_public()


def test_without_the_public_schema_is_a_switch_of_its_own(tenant):
    connection.set_tenant(tenant)
    try:
        connection.set_tenant(tenant, include_public=False)
        assert connection.include_public_schema is False
        with connection.cursor() as cursor:
            cursor.execute("SHOW search_path")
            assert "public" not in cursor.fetchone()[0]
    finally:
        connection.set_schema_to_public()
