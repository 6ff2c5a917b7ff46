"""PostgreSQL schema operations: clone a tenant schema from the template, drop one.

Every statement here is transactional in PostgreSQL, so a caller's ``transaction.atomic`` makes a
clone disappear again if anything after it fails.
"""

from django.conf import settings
from django.db import connection
from django_tenants.clone import CloneSchema
from django_tenants.utils import schema_exists


class SchemaExistsError(Exception):
    pass


def template_schema_name() -> str:
    return settings.TENANT_BASE_SCHEMA


def schema_clone_prepare() -> None:
    """Install django-tenants' ``clone_schema`` SQL function unless it is there already. Called
    inside a transaction that rolls back, the install rolls back too."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_proc WHERE proname = 'clone_schema' LIMIT 1")
        if cursor.fetchone() is None:
            CloneSchema()._create_clone_schema_function()


def schema_clone_template(*, schema_name: str) -> None:
    """Create ``schema_name`` as a copy of the migrated template, django_migrations rows included,
    so the new schema is fully migrated without replaying a single migration."""
    if schema_exists(schema_name, case_sensitive=False):
        raise SchemaExistsError(f"schema {schema_name!r} already exists")
    template = template_schema_name()
    if not schema_exists(template):
        raise RuntimeError(
            f"template schema {template!r} is missing: run `python manage.py migrate_schemas`"
        )
    connection.set_schema_to_public()
    schema_clone_prepare()
    with connection.cursor() as cursor:
        cursor.execute("SELECT clone_schema(%s, %s, 'DATA')", [template, schema_name])


def schema_drop(*, schema_name: str) -> None:
    if schema_name in ("public", template_schema_name()):
        raise ValueError(f"refusing to drop {schema_name!r}")
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA IF EXISTS "{schema_name}" CASCADE')  # noqa: S608 - validated name
