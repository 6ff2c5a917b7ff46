import json
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django_tenants.utils import schema_exists, tenant_context

from marketplace.models import Challenge
from organisations.services import organisation_provision
from tenants.models import Domain, Membership, Tenant, User
from tenants.services import ProvisioningError

pytestmark = pytest.mark.django_db


def _state() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_namespace")
        schemas = cursor.fetchone()[0]
    return {
        "tenants": Tenant.objects.count(),
        "domains": Domain.objects.count(),
        "users": User.objects.count(),
        "memberships": Membership.objects.count(),
        "schemas": schemas,
    }


def test_provision_creates_live_and_sandbox_schemas_domain_owner_and_membership():
    # when
    provisioned = organisation_provision(
        issue_keys=False,
        slug="gamma-labs",
        name="Gamma Labs",
        plan_code="free",
        owner_email="Boss@Gamma.test",
    )

    # then
    tenant, sandbox = provisioned.tenant, provisioned.sandbox
    assert tenant.schema_name == "t_gamma_labs"
    assert sandbox.schema_name == "t_gamma_labs_test"
    assert sandbox.live_tenant == tenant and sandbox.is_sandbox and not tenant.is_sandbox
    assert schema_exists("t_gamma_labs") and schema_exists("t_gamma_labs_test")
    assert list(tenant.domains.values_list("domain", flat=True)) == ["gamma-labs.localhost"]
    assert provisioned.owner.email == "boss@gamma.test"
    assert provisioned.owner.check_password(provisioned.owner_password)
    membership = Membership.objects.get(tenant=tenant)
    assert (membership.user, membership.role) == (provisioned.owner, "owner")
    # The cloned schemas are usable straight away.
    with tenant_context(tenant):
        Challenge.objects.create(title="works")
        assert Challenge.objects.count() == 1
    with tenant_context(sandbox):
        assert Challenge.objects.count() == 0


def test_cloned_schema_is_at_the_latest_migration_of_every_tenant_app():
    # given
    provisioned = organisation_provision(
        issue_keys=False, slug="delta", name="Delta", plan_code="pro", owner_email="o@delta.test"
    )
    loader = MigrationLoader(connection)
    tenant_leaves = {
        (app, name)
        for app, name in loader.graph.leaf_nodes()
        if app in {label.rsplit(".", 1)[-1] for label in settings.TENANT_APPS}
    }

    # then
    for schema in (provisioned.tenant.schema_name, provisioned.sandbox.schema_name):
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT app, name FROM "{schema}".django_migrations')  # noqa: S608
            applied = set(cursor.fetchall())
        assert tenant_leaves <= applied


def test_existing_user_becomes_owner_without_a_new_password(owner):
    provisioned = organisation_provision(
        issue_keys=False,
        slug="epsilon",
        name="Epsilon",
        plan_code="pro",
        owner_email=owner.email.upper(),
    )

    assert provisioned.owner == owner
    assert provisioned.owner_password is None
    assert owner.memberships.count() == 2


@pytest.mark.parametrize(
    ("slug", "plan", "email", "code"),
    [
        ("alpha", "pro", "x@y.test", "slug_taken"),
        ("Upper", "pro", "x@y.test", "invalid_slug"),
        ("a", "pro", "x@y.test", "invalid_slug"),
        ("trailing-", "pro", "x@y.test", "invalid_slug"),
        ("dou--ble", "pro", "x@y.test", "invalid_slug"),
        ("bad_char", "pro", "x@y.test", "invalid_slug"),
        ("api", "pro", "x@y.test", "reserved_slug"),
        ("zeta", "gold", "x@y.test", "unknown_plan"),
        ("zeta", "pro", "not-an-email", "invalid_email"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(tenant, slug, plan, email, code):
    # given
    before = _state()

    # when
    with pytest.raises(ProvisioningError) as error:
        organisation_provision(
            issue_keys=False, slug=slug, name="Zeta", plan_code=plan, owner_email=email
        )

    # then
    assert error.value.code == code
    assert _state() == before


def test_failure_midway_leaves_no_schema_domain_or_user():
    # given: an orphan schema where the sandbox must go, so provisioning fails after the live
    # schema, the rows, the domain, the user and the membership were already created
    with connection.cursor() as cursor:
        cursor.execute('CREATE SCHEMA "t_orphan_test"')
    before = _state()

    # when
    with pytest.raises(ProvisioningError) as error:
        organisation_provision(
            issue_keys=False,
            slug="orphan",
            name="Orphan",
            plan_code="pro",
            owner_email="new@o.test",
        )

    # then
    assert error.value.code == "schema_exists"
    assert _state() == before
    assert not schema_exists("t_orphan")
    assert not Tenant.objects.filter(slug="orphan").exists()
    assert not Domain.objects.filter(domain="orphan.localhost").exists()
    assert not User.objects.filter(email="new@o.test").exists()


def test_provision_tenant_command_prints_the_contract_json():
    out = StringIO()

    call_command(
        "provision_tenant",
        "eta",
        name="Eta Inc",
        plan="business",
        owner_email="o@eta.test",
        json=True,
        stdout=out,
    )

    result = json.loads(out.getvalue())
    assert result["slug"] == "eta"
    assert result["schema"] == "t_eta"
    assert result["sandbox_schema"] == "t_eta_test"
    assert result["domains"] == ["eta.localhost"]
    assert result["plan"] == "business"
    assert result["owner_email"] == "o@eta.test"


def test_provision_tenant_command_fails_clearly_on_bad_input():
    err = StringIO()

    with pytest.raises(CommandError, match="Unknown plan 'gold'"):
        call_command(
            "provision_tenant",
            "theta",
            name="Theta",
            plan="gold",
            owner_email="o@t.test",
            json=True,
            stderr=err,
        )

    assert json.loads(err.getvalue())["error"]["code"] == "unknown_plan"
    assert not Tenant.objects.filter(slug="theta").exists()


def test_migrate_schemas_keeps_the_template_at_the_latest_tenant_migrations():
    # given: the test database was built by `migrate` (= our migrate_schemas)
    loader = MigrationLoader(connection)
    tenant_apps = {label.rsplit(".", 1)[-1] for label in settings.TENANT_APPS}
    tenant_migrations = {key for key in loader.graph.nodes if key[0] in tenant_apps}

    # then
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM tenant_template.django_migrations")
        applied = set(cursor.fetchall())
    assert tenant_migrations <= applied


def test_migrate_schemas_creates_a_missing_template():
    # given
    with connection.cursor() as cursor:
        cursor.execute("ALTER SCHEMA tenant_template RENAME TO tenant_template_saved")
    try:
        # when
        call_command("migrate_schemas", verbosity=0)

        # then
        assert schema_exists("tenant_template")
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM tenant_template.django_migrations")
            assert cursor.fetchone()[0] > 0
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA IF EXISTS tenant_template CASCADE")
            cursor.execute("ALTER SCHEMA tenant_template_saved RENAME TO tenant_template")


def _catalog(schema: str) -> dict:
    """Everything a migration could refer to, with the schema's own name taken out."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT table_name, column_name, data_type, is_nullable,
                   coalesce(column_default, ''), is_identity, is_generated,
                   coalesce(generation_expression, '')
            FROM information_schema.columns WHERE table_schema = %s
            """,
            [schema],
        )
        columns = set(cursor.fetchall())
        cursor.execute(
            """
            SELECT c.relname, con.conname, con.contype, pg_get_constraintdef(con.oid)
            FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s
            """,
            [schema],
        )
        constraints = {
            (table, name, kind, definition.replace(f'"{schema}".', "").replace(f"{schema}.", ""))
            for table, name, kind, definition in cursor.fetchall()
        }
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = %s", [schema])
        indexes = {
            (name, definition.replace(f'"{schema}".', "").replace(f"{schema}.", ""))
            for name, definition in cursor.fetchall()
        }
    return {"columns": columns, "constraints": constraints, "indexes": indexes}


def test_a_clone_matches_the_template_object_for_object_and_name_for_name():
    # given
    provisioned = organisation_provision(
        issue_keys=False, slug="iota", name="Iota", plan_code="pro", owner_email="o@iota.test"
    )

    # then: same columns, constraints and indexes under the same names (later migrations drop
    # and alter them by name), foreign keys pointing into the clone itself
    template = _catalog("tenant_template")
    assert template["constraints"] and template["indexes"]
    for schema in (provisioned.tenant.schema_name, provisioned.sandbox.schema_name):
        clone = _catalog(schema)
        assert clone["columns"] == template["columns"]
        assert clone["constraints"] == template["constraints"]
        assert clone["indexes"] == template["indexes"]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT count(*) FROM pg_constraint con
            JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_class r ON r.oid = con.confrelid JOIN pg_namespace rn ON rn.oid = r.relnamespace
            WHERE n.nspname = 't_iota' AND con.contype = 'f' AND rn.nspname = 'tenant_template'
            """
        )
        assert cursor.fetchone()[0] == 0


def test_identity_sequences_of_a_clone_continue_after_the_copied_rows():
    # given
    provisioned = organisation_provision(
        issue_keys=False, slug="kappa", name="Kappa", plan_code="pro", owner_email="o@kappa.test"
    )

    # when: a migration would record itself like this
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO t_kappa.django_migrations (app, name, applied) "
            "VALUES ('x', 'y', now()) RETURNING id"
        )
        new_id = cursor.fetchone()[0]
        cursor.execute("SELECT max(id) FROM tenant_template.django_migrations")
        template_max = cursor.fetchone()[0]

    # then
    assert provisioned.tenant.schema_name == "t_kappa"
    assert new_id == template_max + 1


def test_a_template_with_objects_beyond_tables_falls_back_to_django_tenants_clone():
    # given: something the DDL clone does not rebuild (rolled back with the test)
    with connection.cursor() as cursor:
        cursor.execute("CREATE VIEW tenant_template.challenge_titles AS SELECT 1 AS one")

    # when
    organisation_provision(
        issue_keys=False, slug="lambda", name="Lambda", plan_code="pro", owner_email="o@lambda.test"
    )

    # then: the clone still has everything, the view included
    with connection.cursor() as cursor:
        cursor.execute("SELECT one FROM t_lambda.challenge_titles")
        assert cursor.fetchone() == (1,)
        cursor.execute("SELECT count(*) FROM t_lambda.django_migrations")
        assert cursor.fetchone()[0] > 0
