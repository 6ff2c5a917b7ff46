"""``migrate_schemas`` that also keeps the template schema migrated.

New tenants are clones of the template (tenants.schemas), so the template must always be at the
latest migration: this command creates it when missing and migrates it with the tenant schemas.
"""

from django.db import connection
from django_tenants.management.commands.migrate_schemas import (
    GET_EXECUTOR_FUNCTION,
    MigrateSchemasCommand,
)

from tenants.schemas import template_schema_name


class Command(MigrateSchemasCommand):
    def handle(self, *args, **options):
        super().handle(*args, **options)
        template = template_schema_name()
        if not self.sync_tenant or (
            self.schema_name not in (None, self.PUBLIC_SCHEMA_NAME, template)
        ):
            return
        connection.set_schema_to_public()
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE SCHEMA IF NOT EXISTS "{template}"')
        executor = GET_EXECUTOR_FUNCTION(codename=self.executor)(self.args, self.options)
        executor.run_migrations(tenants=[template])
        connection.set_schema_to_public()
