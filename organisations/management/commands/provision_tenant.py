"""``manage.py provision_tenant SLUG --name NAME --plan PLAN --owner-email EMAIL [--json]``."""

import json

from django.core.management.base import BaseCommand, CommandError

from organisations.services import OrganisationProvisioned, organisation_provision
from tenants.services import ProvisioningError


def provisioned_as_dict(provisioned: OrganisationProvisioned) -> dict:
    tenant = provisioned.tenant
    return {
        "slug": tenant.slug,
        "name": tenant.name,
        "plan": provisioned.plan.code,
        "schema": tenant.schema_name,
        "sandbox_schema": provisioned.sandbox.schema_name,
        "domains": provisioned.domains,
        "owner_email": provisioned.owner.email,
        "owner_password": provisioned.owner_password,
        "live_key": provisioned.live_key,
        "test_key": provisioned.test_key,
    }


class Command(BaseCommand):
    help = "Provision a tenant: live + sandbox schemas, domain, owner, membership and API keys."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--name", required=True)
        parser.add_argument("--plan", required=True, help="free, pro, business, enterprise, …")
        parser.add_argument("--owner-email", required=True)
        parser.add_argument("--owner-name", default="")
        parser.add_argument("--json", action="store_true", help="Print one JSON object.")

    def handle(self, *args, **options):
        try:
            # Keys are issued in the same transaction: live_key / test_key, shown once.
            provisioned = organisation_provision(
                slug=options["slug"],
                name=options["name"],
                plan_code=options["plan"],
                owner_email=options["owner_email"],
                owner_name=options["owner_name"],
            )
        except ProvisioningError as exc:
            if options["json"]:
                error = {"error": {"code": exc.code, "field": exc.field, "message": exc.message}}
                self.stderr.write(json.dumps(error))
            raise CommandError(exc.message) from None
        result = provisioned_as_dict(provisioned)
        if options["json"]:
            self.stdout.write(json.dumps(result))
            return
        self.stdout.write(self.style.SUCCESS(f"Provisioned {result['slug']}"))
        for key, value in result.items():
            self.stdout.write(f"  {key}: {value}")
