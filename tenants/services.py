"""Writes of tenancy: provisioning, suspension and reactivation of tenants."""

import re
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context

from billing.models import Plan
from tenants.models import Domain, Membership, Tenant, User
from tenants.schemas import SchemaExistsError, schema_clone_template, schema_drop
from tenants.selectors import host_cache_clear

SLUG_PATTERN = re.compile(r"^[a-z](?:[a-z0-9]|-(?=[a-z0-9])){1,39}$")
# Hosts and schema names the platform uses itself, or that would mislead people.
RESERVED_SLUGS = frozenset(
    {
        "admin", "api", "app", "assets", "billing", "cdn", "dashboard", "docs", "help", "mail",
        "portal", "public", "sandbox", "static", "status", "support", "template", "test", "www",
        "ws",
    }
)  # fmt: skip


class ProvisioningError(Exception):
    """Bad input or a conflict; nothing was created. ``code`` is machine-readable."""

    def __init__(self, *, code: str, field: str | None, message: str):
        super().__init__(message)
        self.code = code
        self.field = field
        self.message = message


@dataclass
class ProvisionedTenant:
    tenant: Tenant
    sandbox: Tenant
    owner: User
    # Set only when the owner account was created by this call: the one time it is shown.
    owner_password: str | None
    domains: list[str] = field(default_factory=list)
    # Filled by callers that issue keys in the same transaction (see api.services).
    extra: dict = field(default_factory=dict)


def tenant_schema_names(slug: str) -> tuple[str, str]:
    """Live and sandbox schema names of a slug (hyphens are not welcome in identifiers)."""
    base = "t_" + slug.replace("-", "_")
    return base, f"{base}_test"


def _validate(*, slug: str, name: str, plan_code: str, owner_email: str) -> Plan:
    if not SLUG_PATTERN.match(slug):
        raise ProvisioningError(
            code="invalid_slug",
            field="slug",
            message=(
                f"Invalid slug {slug!r}: use 2-40 lowercase letters, digits and single hyphens, "
                "starting with a letter and not ending with a hyphen."
            ),
        )
    if slug in RESERVED_SLUGS:
        raise ProvisioningError(
            code="reserved_slug", field="slug", message=f"The slug {slug!r} is reserved."
        )
    if not name.strip() or len(name) > 200:
        raise ProvisioningError(
            code="invalid_name", field="name", message="The name must be 1-200 characters."
        )
    try:
        validate_email(owner_email)
    except ValidationError:
        raise ProvisioningError(
            code="invalid_email",
            field="owner_email",
            message=f"{owner_email!r} is not a valid email address.",
        ) from None
    plan = Plan.objects.filter(code=plan_code).first()
    if plan is None:
        known = ", ".join(Plan.objects.values_list("code", flat=True))
        raise ProvisioningError(
            code="unknown_plan",
            field="plan",
            message=f"Unknown plan {plan_code!r}; plans: {known}.",
        )
    return plan


def tenant_provision(
    *, slug: str, name: str, plan_code: str, owner_email: str, owner_name: str = ""
) -> ProvisionedTenant:
    """Create a tenant: live and sandbox rows and schemas, its domain, the owner and membership.

    All of it happens in one transaction (PostgreSQL DDL included), so it either fully succeeds
    or leaves nothing behind. An existing user with the owner's email becomes the owner; a new
    one gets a random password, returned once in ``owner_password``.
    """
    slug = slug.strip()
    owner_email = owner_email.strip().lower()
    plan = _validate(slug=slug, name=name, plan_code=plan_code, owner_email=owner_email)
    live_schema, sandbox_schema = tenant_schema_names(slug)
    domain_name = f"{slug}.{settings.BASE_DOMAIN}"
    try:
        with schema_context(get_public_schema_name()), transaction.atomic():
            if Tenant.objects.filter(slug=slug).exists():
                raise ProvisioningError(
                    code="slug_taken", field="slug", message=f"The slug {slug!r} is taken."
                )
            tenant = Tenant.objects.create(
                schema_name=live_schema, slug=slug, name=name.strip(), plan=plan
            )
            sandbox = Tenant.objects.create(
                schema_name=sandbox_schema,
                slug=slug,
                name=name.strip(),
                mode=Tenant.Mode.TEST,
                live_tenant=tenant,
            )
            Domain.objects.create(domain=domain_name, tenant=tenant, is_primary=True)
            owner = User.objects.filter(email__iexact=owner_email).first()
            owner_password = None
            if owner is None:
                owner_password = secrets.token_urlsafe(12)
                owner = User.objects.create_user(owner_email, owner_password, name=owner_name)
            Membership.objects.create(user=owner, tenant=tenant, role=Membership.Role.OWNER)
            schema_clone_template(schema_name=live_schema)
            schema_clone_template(schema_name=sandbox_schema)
            transaction.on_commit(host_cache_clear)
    except SchemaExistsError as exc:
        raise ProvisioningError(
            code="schema_exists",
            field="slug",
            message=f"Cannot provision {slug!r}: {exc} (left over from an earlier tenant?).",
        ) from None
    except IntegrityError:
        # A concurrent provisioning of the same slug or domain won the race.
        raise ProvisioningError(
            code="slug_taken", field="slug", message=f"The slug {slug!r} is taken."
        ) from None
    return ProvisionedTenant(
        tenant=tenant,
        sandbox=sandbox,
        owner=owner,
        owner_password=owner_password,
        domains=[domain_name],
    )


def _host_cache_clear_now_and_on_commit() -> None:
    # Now, so this process answers at once; on commit, so a request that cached the old state in
    # between (it read the row before our commit) is corrected too.
    host_cache_clear()
    transaction.on_commit(host_cache_clear)


def tenant_suspend(*, tenant: Tenant, reason: str = "") -> Tenant:
    """Suspend a tenant (both twins): every host and key of it answers 403 tenant_suspended."""
    tenant = tenant.organisation
    tenant.status = Tenant.Status.SUSPENDED
    tenant.suspended_at = timezone.now()
    tenant.suspended_reason = reason[:300]
    tenant.save(update_fields=["status", "suspended_at", "suspended_reason"])
    _host_cache_clear_now_and_on_commit()
    return tenant


def tenant_reactivate(*, tenant: Tenant) -> Tenant:
    tenant = tenant.organisation
    tenant.status = Tenant.Status.ACTIVE
    tenant.suspended_at = None
    tenant.suspended_reason = ""
    tenant.save(update_fields=["status", "suspended_at", "suspended_reason"])
    _host_cache_clear_now_and_on_commit()
    return tenant


def tenant_delete(*, tenant: Tenant) -> None:
    """Delete a tenant for good: both schemas with all their data, its rows, domains, members.

    Users stay (they may belong to other tenants). Irreversible; operators only.
    """
    tenant = tenant.organisation
    with schema_context(get_public_schema_name()), transaction.atomic():
        sandbox = Tenant.objects.filter(live_tenant=tenant).first()
        for twin in filter(None, [sandbox, tenant]):
            schema_drop(schema_name=twin.schema_name)
        if sandbox is not None:
            sandbox.delete(force_drop=False)
        tenant.delete(force_drop=False)
    _host_cache_clear_now_and_on_commit()
