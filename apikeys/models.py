"""API keys (public schema): the index that maps a presented secret to a tenant and mode.

An ``ApiKey`` is what people manage (name, mode, scopes, expiry, revocation); its secrets are
``ApiKeySecret`` rows holding only an HMAC of the raw key (``apikeys.keys``). A key normally has one
secret; rolling it adds a new one and gives the old one an end of grace (``expires_at``), so two
secrets work side by side until the grace period ends.
"""

from functools import partial

from django.db import models
from django.utils import timezone

from core.ids import new_id


class ApiKey(models.Model):
    class Mode(models.TextChoices):
        LIVE = "live", "Live"
        TEST = "test", "Test (sandbox)"

    id = models.CharField(primary_key=True, max_length=40, default=partial(new_id, "key"))
    tenant = models.ForeignKey(
        "tenants.Tenant",
        on_delete=models.CASCADE,
        related_name="api_keys",
        limit_choices_to={"mode": "live"},
        help_text="The live tenant; test keys act on its sandbox twin.",
    )
    name = models.CharField(max_length=100)
    mode = models.CharField(max_length=4, choices=Mode.choices)
    scopes = models.JSONField(default=list, help_text='"all", or "<family>:read|write" entries.')
    display_prefix = models.CharField(max_length=20)
    last_four = models.CharField(max_length=4)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Written by the usage flush from metered calls, never by the request itself.
    last_used_at = models.DateTimeField(null=True, blank=True)
    # Who issued it from the portal (None for keys made by provisioning, the CLI or the admin). A
    # developer may roll and revoke the keys they created only.
    created_by = models.ForeignKey(
        "tenants.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        # The tables keep the names they had in api/, where keys started out.
        db_table = "api_apikey"
        indexes = [models.Index(fields=["tenant", "mode"], name="api_apikey_tenant__855385_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.display_prefix}…{self.last_four})"

    @property
    def is_active(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class ApiKeySecret(models.Model):
    api_key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="secrets")
    secret_hash = models.CharField(max_length=64, unique=True)
    display_prefix = models.CharField(max_length=20)
    last_four = models.CharField(max_length=4)
    created_at = models.DateTimeField(default=timezone.now)
    # Set when the key was rolled away from this secret: the end of its grace period.
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        db_table = "api_apikeysecret"

    def __str__(self) -> str:
        return f"{self.display_prefix}…{self.last_four}"


class ApiKeyEvent(models.Model):
    """The audit log of key events: created, rolled, revoked — who (if a person), when, what.

    Written by ``apikeys.services`` in the transaction of the change it records; never edited.
    ``actor_email`` keeps the name of the person even after their account is gone, and the key's
    display (prefix…last four) is copied so the entry still reads right after a roll.
    """

    class Action(models.TextChoices):
        CREATED = "created", "Created"
        ROLLED = "rolled", "Rolled"
        REVOKED = "revoked", "Revoked"

    tenant = models.ForeignKey(
        "tenants.Tenant",
        on_delete=models.CASCADE,
        related_name="api_key_events",
        limit_choices_to={"mode": "live"},
    )
    api_key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=10, choices=Action.choices)
    actor = models.ForeignKey(
        "tenants.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_email = models.CharField(max_length=254, blank=True)
    key_display = models.CharField(max_length=30)
    # What else the entry needs to be read on its own: the grace period of a roll, the mode…
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["tenant", "-created_at"], name="apikey_event_tenant_idx")]

    def __str__(self) -> str:
        return f"{self.api_key_id} {self.action} by {self.actor_email or 'the platform'}"
