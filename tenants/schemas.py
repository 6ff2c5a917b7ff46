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
    with connection.cursor() as cursor:
        if _clone_by_ddl(cursor, template=template, schema_name=schema_name):
            return
    schema_clone_prepare()
    with connection.cursor() as cursor:
        cursor.execute("SELECT clone_schema(%s, %s, 'DATA')", [template, schema_name])


# --- Clone by generated DDL
#
# django-tenants' clone_schema() renames some objects in the copy: a named UniqueConstraint
# (`webhook_delivery_once`) comes out as PostgreSQL's default `…_endpoint_id_event_id_key`, so a
# later migration that drops or alters it by name would fail on every tenant schema. A tenant
# schema made by Django migrations holds only tables, their indexes and constraints, and identity
# sequences, so we rebuild it from the catalog in plain DDL, every index and constraint under its
# original name (a test compares clone and template object by object). Anything else in the
# template (views, functions, triggers, other sequences, enums, domains) falls back to
# clone_schema(). Speed is the same (≈ 0.25 s per schema today: the cost is PostgreSQL's DDL).

_TEMPLATE_OBJECTS_SQL = """
SELECT
  (SELECT count(*) FROM pg_class c WHERE c.relnamespace = n.oid
     AND NOT (c.relkind IN ('r', 'i')
              OR (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_depend d
                    WHERE d.objid = c.oid AND d.deptype = 'i'))))
  + (SELECT count(*) FROM pg_proc p WHERE p.pronamespace = n.oid)
  + (SELECT count(*) FROM pg_type t WHERE t.typnamespace = n.oid AND t.typtype NOT IN ('c', 'b'))
  + (SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
       WHERE c.relnamespace = n.oid AND NOT t.tgisinternal)
  AS unsupported
FROM pg_namespace n WHERE n.nspname = %s
"""
_TABLES_SQL = """
SELECT c.relname,
       array_agg(quote_ident(a.attname) ORDER BY a.attnum) FILTER (WHERE a.attgenerated = ''),
       array_agg(a.attname ORDER BY a.attnum) FILTER (WHERE a.attidentity <> '')
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE n.nspname = %s AND c.relkind = 'r'
GROUP BY c.oid, c.relname ORDER BY c.relname
"""
_CONSTRAINTS_SQL = """
SELECT c.relname, con.conname, pg_get_constraintdef(con.oid)
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = %s AND con.contype IN ('p', 'u', 'c', 'x', 'f')
ORDER BY con.contype = 'f', c.relname, con.conname
"""
_INDEXES_SQL = """
SELECT pg_get_indexdef(i.indexrelid)
FROM pg_index i
JOIN pg_class c ON c.oid = i.indrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = %s
  AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid)
ORDER BY 1
"""


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _clone_by_ddl(cursor, *, template: str, schema_name: str) -> bool:
    """Clone ``template`` into ``schema_name`` with generated DDL; False if it holds objects this
    path does not handle (the caller then uses clone_schema())."""
    cursor.execute(_TEMPLATE_OBJECTS_SQL, [template])
    if cursor.fetchone()[0]:
        return False
    # The catalog prints template objects qualified ("tenant_template.x": the template is never on
    # the search path here) and public ones unqualified: re-pointing is one replace.
    source, target = f"{template}.", f"{_quote(schema_name)}."
    cursor.execute(_TABLES_SQL, [template])
    tables = cursor.fetchall()
    cursor.execute(_CONSTRAINTS_SQL, [template])
    constraints = cursor.fetchall()
    cursor.execute(_INDEXES_SQL, [template])
    indexes = [row[0] for row in cursor.fetchall()]

    new, old = _quote(schema_name), _quote(template)
    statements = [f"CREATE SCHEMA {new}"]
    for table, _columns, _identity_columns in tables:
        statements.append(
            f"CREATE TABLE {new}.{_quote(table)} (LIKE {old}.{_quote(table)} INCLUDING DEFAULTS "
            "INCLUDING GENERATED INCLUDING IDENTITY INCLUDING STORAGE INCLUDING COMMENTS "
            "INCLUDING COMPRESSION)"
        )
    for table, name, definition in constraints:
        statements.append(
            f"ALTER TABLE {new}.{_quote(table)} ADD CONSTRAINT {_quote(name)} "
            + definition.replace(source, target)
        )
    statements.extend(index.replace(f" ON {source}", f" ON {target}") for index in indexes)
    cursor.execute(";\n".join(statements))

    # Rows the template holds (django_migrations, data migrations' rows) come along, and identity
    # sequences continue after them.
    for table, columns, identity_columns in tables:
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {old}.{_quote(table)})")  # noqa: S608
        if not cursor.fetchone()[0]:
            continue
        column_list = ", ".join(columns)
        cursor.execute(
            f"INSERT INTO {new}.{_quote(table)} ({column_list}) OVERRIDING SYSTEM VALUE "  # noqa: S608
            f"SELECT {column_list} FROM {old}.{_quote(table)}"
        )
        for column in identity_columns or []:
            last_value = f"SELECT max({_quote(column)}) FROM {new}.{_quote(table)}"  # noqa: S608
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, %s), ({last_value}))",
                [f"{new}.{_quote(table)}", column],
            )
    return True


def schema_drop(*, schema_name: str) -> None:
    if schema_name in ("public", template_schema_name()):
        raise ValueError(f"refusing to drop {schema_name!r}")
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA IF EXISTS "{schema_name}" CASCADE')  # noqa: S608 - validated name
