"""Writes of tenancy: provisioning, renaming, suspension, reactivation and deletion of tenants.

Plans and keys are not tenancy: ``organisations.services.organisation_provision`` composes this
module's ``tenant_provision`` with billing's plan and the first API keys. Every write that changes
how a host or key resolves calls ``caches_invalidate("tenant")``; the host cache and the gateway's
key cache register for it.
"""

import re
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context

from core.invalidation import caches_invalidate
from tenants.models import Domain, Membership, Tenant, User
from tenants.schemas import SchemaExistsError, schema_clone_template, schema_drop

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


def tenant_schema_names(slug: str) -> tuple[str, str]:
    """Live and sandbox schema names of a slug (hyphens are not welcome in identifiers)."""
    base = "t_" + slug.replace("-", "_")
    return base, f"{base}_test"


def slug_validate(slug: str, *, exclude: Tenant | None = None) -> None:
    """Raise ``ProvisioningError`` unless ``slug`` is well-formed, not reserved and free
    (``exclude``: the tenant being renamed)."""
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
    taken = Tenant.objects.filter(slug=slug)
    if exclude is not None:
        taken = taken.exclude(pk=exclude.organisation.pk).exclude(live_tenant=exclude.organisation)
    if taken.exists():
        raise ProvisioningError(
            code="slug_taken", field="slug", message=f"The slug {slug!r} is taken."
        )


def _validate(*, slug: str, name: str, owner_email: str) -> None:
    slug_validate(slug)
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


def tenant_provision(
    *, slug: str, name: str, owner_email: str, plan=None, owner_name: str = ""
) -> ProvisionedTenant:
    """Create a tenant: live and sandbox rows and schemas, its domain, the owner and membership.

    All of it happens in one transaction (PostgreSQL DDL included), so it either fully succeeds
    or leaves nothing behind. An existing user with the owner's email becomes the owner; a new
    one gets a random password, returned once in ``owner_password``. ``plan`` is the billing
    plan row to start on (chosen and validated by the caller; tenancy does not know plans).
    """
    slug = slug.strip()
    owner_email = owner_email.strip().lower()
    _validate(slug=slug, name=name, owner_email=owner_email)
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
            caches_invalidate("tenant")
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


def tenant_suspend(*, tenant: Tenant, reason: str = "") -> Tenant:
    """Suspend a tenant (both twins): every host and key of it answers 403 tenant_suspended."""
    tenant = tenant.organisation
    tenant.status = Tenant.Status.SUSPENDED
    tenant.suspended_at = timezone.now()
    tenant.suspended_reason = reason[:300]
    tenant.save(update_fields=["status", "suspended_at", "suspended_reason"])
    caches_invalidate("tenant")
    return tenant


def tenant_reactivate(*, tenant: Tenant) -> Tenant:
    tenant = tenant.organisation
    tenant.status = Tenant.Status.ACTIVE
    tenant.suspended_at = None
    tenant.suspended_reason = ""
    tenant.save(update_fields=["status", "suspended_at", "suspended_reason"])
    caches_invalidate("tenant")
    return tenant


def tenant_name_change(*, tenant: Tenant, name: str) -> Tenant:
    """Rename a tenant's display name (both twins)."""
    tenant = tenant.organisation
    name = name.strip()
    if not name or len(name) > 200:
        raise ProvisioningError(
            code="invalid_name", field="name", message="The name must be 1-200 characters."
        )
    Tenant.objects.filter(pk=tenant.pk).update(name=name)
    Tenant.objects.filter(live_tenant=tenant).update(name=name)
    tenant.name = name
    return tenant


def tenant_slug_change(*, tenant: Tenant, slug: str) -> Tenant:
    """Rename a tenant: both twins' slug and schema, and its ``<slug>.BASE_DOMAIN`` host.

    Custom domains stay. One transaction (``ALTER SCHEMA … RENAME`` is transactional and instant);
    the old host stops resolving at once in this process and within the host cache's TTL
    elsewhere. Keys keep working: they belong to the tenant row, not to its slug.
    """
    tenant = tenant.organisation
    slug = slug.strip()
    if slug == tenant.slug:
        return tenant
    slug_validate(slug, exclude=tenant)
    old_domain = f"{tenant.slug}.{settings.BASE_DOMAIN}"
    live_schema, sandbox_schema = tenant_schema_names(slug)
    try:
        with schema_context(get_public_schema_name()), transaction.atomic():
            if Tenant.objects.filter(slug=slug).exclude(pk=tenant.pk).exists():
                raise ProvisioningError(
                    code="slug_taken", field="slug", message=f"The slug {slug!r} is taken."
                )
            sandbox = Tenant.objects.select_for_update().filter(live_tenant=tenant).first()
            for twin, schema in ((tenant, live_schema), (sandbox, sandbox_schema)):
                if twin is None:
                    continue
                with connection.cursor() as cursor:
                    cursor.execute(
                        f'ALTER SCHEMA "{twin.schema_name}" RENAME TO "{schema}"'  # noqa: S608
                    )
                twin.slug, twin.schema_name = slug, schema
                twin.save(update_fields=["slug", "schema_name"])
            Domain.objects.filter(tenant=tenant, domain=old_domain).update(
                domain=f"{slug}.{settings.BASE_DOMAIN}"
            )
            caches_invalidate("tenant")
    except IntegrityError:
        raise ProvisioningError(
            code="slug_taken", field="slug", message=f"The slug {slug!r} is taken."
        ) from None
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
    caches_invalidate("tenant")
