"""Public-schema models of tenancy: users, tenants (live and sandbox twins), domains, memberships.

A customer organisation is one *live* ``Tenant`` row plus one *sandbox* ``Tenant`` row (its twin,
``mode="test"``) — each with a schema of its own, so django-tenants, migrations and
tenant-schemas-celery treat the sandbox like any other schema. Domains, members, the plan and the
suspension state belong to the live row; ``Tenant.organisation`` gives it from either twin.
"""

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django_tenants.models import DomainMixin, TenantMixin


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **fields) -> "User":
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields) -> "User":
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields) -> "User":
        fields.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """One login across every tenant; access to a tenant comes from a ``Membership``."""

    email = models.EmailField(unique=True)
    name = models.CharField(max_length=150, blank=True)
    is_staff = models.BooleanField(
        default=False, help_text="Operators: may log in to the admin on the public host."
    )
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self) -> str:
        return self.email


class Tenant(TenantMixin):
    class Mode(models.TextChoices):
        LIVE = "live", "Live"
        TEST = "test", "Sandbox"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        SUSPENDED = "suspended", "Suspended"

    slug = models.SlugField(max_length=40)
    name = models.CharField(max_length=200)
    mode = models.CharField(max_length=4, choices=Mode.choices, default=Mode.LIVE)
    live_tenant = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sandbox",
        help_text="Set on sandbox rows only: the live tenant this sandbox is the twin of.",
    )
    plan = models.ForeignKey(
        "billing.Plan",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tenants",
        help_text="Live rows only; the sandbox follows its live twin's plan.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    suspended_at = models.DateTimeField(null=True, blank=True)
    suspended_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    # Schemas are cloned from the template by tenants.services.tenant_provision, and dropped only
    # by an explicit service call: never as a side effect of save() or delete().
    auto_create_schema = False
    auto_drop_schema = False

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["slug", "mode"], name="tenant_slug_mode_unique"),
            models.CheckConstraint(
                condition=(models.Q(mode="live", live_tenant__isnull=True))
                | models.Q(mode="test", live_tenant__isnull=False),
                name="tenant_sandbox_has_live_twin",
            ),
        ]

    def __str__(self) -> str:
        return self.slug if self.mode == self.Mode.LIVE else f"{self.slug} (sandbox)"

    @property
    def is_sandbox(self) -> bool:
        return self.mode == self.Mode.TEST

    @property
    def is_suspended(self) -> bool:
        return self.organisation.status == self.Status.SUSPENDED

    @property
    def organisation(self) -> "Tenant":
        """The live row, which owns domains, members, plan and status."""
        return self.live_tenant if self.is_sandbox else self


class Domain(DomainMixin):
    """Hosts that resolve to a tenant: ``<slug>.BASE_DOMAIN`` and custom domains."""

    def __str__(self) -> str:
        return self.domain


class Membership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        ADMIN = "admin", "Admin"
        DEVELOPER = "developer", "Developer"
        VIEWER = "viewer", "Viewer"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    tenant = models.ForeignKey(
        Tenant,
        on_delete=models.CASCADE,
        related_name="memberships",
        limit_choices_to={"mode": Tenant.Mode.LIVE},
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.DEVELOPER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "tenant"], name="membership_user_tenant_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.tenant} · {self.role}"


class Invitation(models.Model):
    """An invitation to join an organisation with a role, sent by email.

    Only the SHA-256 of the token is stored; the raw token is in the emailed link and nowhere
    else. An invitation is pending until accepted, revoked or past ``expires_at``."""

    tenant = models.ForeignKey(
        Tenant,
        on_delete=models.CASCADE,
        related_name="invitations",
        limit_choices_to={"mode": Tenant.Mode.LIVE},
    )
    email = models.EmailField()
    role = models.CharField(max_length=10, choices=Membership.Role.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["tenant", "email"], name="invitation_tenant_email")]

    def __str__(self) -> str:
        return f"{self.email} → {self.tenant} ({self.role})"

    @property
    def is_pending(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )


class MembershipEvent(models.Model):
    """The audit log of an organisation's members: who invited, joined, changed or removed whom.

    Emails are copied so an entry still reads right after the accounts are gone."""

    class Action(models.TextChoices):
        INVITED = "invited", "Invited"
        INVITATION_REVOKED = "invitation_revoked", "Invitation revoked"
        JOINED = "joined", "Joined"
        ROLE_CHANGED = "role_changed", "Role changed"
        REMOVED = "removed", "Removed"

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="membership_events")
    action = models.CharField(max_length=20, choices=Action.choices)
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_email = models.EmailField(blank=True)
    subject_email = models.EmailField()
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.tenant} · {self.action} · {self.subject_email}"
