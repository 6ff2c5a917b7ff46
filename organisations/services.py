"""Writes of organisations: a customer organisation end to end, across tenancy, billing and keys.

``organisation_provision`` is what sign-up, ``manage.py provision_tenant`` and the demo call: the
tenant (``tenants.services.tenant_provision``: rows, schemas, domain, owner), its plan and
subscription (billing: ``subscription_create``, manual provider, the current calendar month) and
its first live and test keys (``apikeys``), in one transaction — all of it or nothing.
"""

from dataclasses import dataclass

from django.db import transaction

from apikeys.services import api_key_create
from billing.models import Plan
from billing.selectors import plan_codes, plan_get
from billing.services import subscription_create
from tenants.models import Tenant, User
from tenants.services import ProvisioningError, tenant_provision


@dataclass(frozen=True)
class OrganisationProvisioned:
    tenant: Tenant
    sandbox: Tenant
    owner: User
    plan: Plan
    domains: list[str]
    # Set only when the owner account was created by this call: the one time it is shown.
    owner_password: str | None
    # The raw keys (scope "all"). THE ONLY TIME they are available: only their HMAC is stored.
    live_key: str | None
    test_key: str | None


def organisation_provision(
    *,
    slug: str,
    name: str,
    plan_code: str,
    owner_email: str,
    owner_name: str = "",
    issue_keys: bool = True,
) -> OrganisationProvisioned:
    """Provision an organisation (see module). Raises ``ProvisioningError`` (nothing created) on
    bad input: slug, name, email, an unknown plan, a taken slug."""
    plan = plan_get(code=plan_code)
    if plan is None:
        raise ProvisioningError(
            code="unknown_plan",
            field="plan",
            message=f"Unknown plan {plan_code!r}; plans: {', '.join(plan_codes())}.",
        )
    with transaction.atomic():
        provisioned = tenant_provision(
            slug=slug, name=name, owner_email=owner_email, owner_name=owner_name, plan=plan
        )
        subscription_create(organisation=provisioned.tenant, plan=plan)
        live_key = test_key = None
        if issue_keys:
            tenant = provisioned.tenant
            live_key = api_key_create(tenant=tenant, name="Default live key", mode="live").secret
            test_key = api_key_create(tenant=tenant, name="Default test key", mode="test").secret
    return OrganisationProvisioned(
        tenant=provisioned.tenant,
        sandbox=provisioned.sandbox,
        owner=provisioned.owner,
        plan=plan,
        domains=provisioned.domains,
        owner_password=provisioned.owner_password,
        live_key=live_key,
        test_key=test_key,
    )
