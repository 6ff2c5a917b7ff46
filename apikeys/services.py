"""Writes of API keys: create (the one time a secret is shown), revoke, roll.

Each write adds an ``ApiKeyEvent`` (the keys' audit log) in its own transaction, naming the person
who made it when there is one (``actor``: the portal passes its user; provisioning, the CLI and
the tests pass none).

Every write that changes whether a key works calls ``caches_invalidate("api_key")``: the gateway's
key cache (registered in ``api``'s AppConfig) forgets at once in this process and within
``API_KEY_CACHE_SECONDS`` everywhere else."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from apikeys.keys import api_key_generate, api_key_hash
from apikeys.models import ApiKey, ApiKeyEvent, ApiKeySecret
from apikeys.scopes import scopes_normalize
from core.errors import BusinessRuleError
from core.invalidation import caches_invalidate
from tenants.models import Tenant, User

MAX_ROLL_GRACE = timedelta(days=7)


@dataclass(frozen=True)
class IssuedApiKey:
    api_key: ApiKey
    # The raw secret. This is THE ONLY TIME it is available: only its HMAC is stored.
    secret: str


def _secret_add(*, api_key: ApiKey) -> tuple[ApiKeySecret, str]:
    parsed = api_key_generate(mode=api_key.mode)
    secret = ApiKeySecret.objects.create(
        api_key=api_key,
        secret_hash=api_key_hash(parsed.raw),
        display_prefix=parsed.display_prefix,
        last_four=parsed.last_four,
    )
    return secret, parsed.raw


def _event_record(
    *, api_key: ApiKey, action: str, actor: User | None, detail: dict | None = None
) -> ApiKeyEvent:
    return ApiKeyEvent.objects.create(
        tenant_id=api_key.tenant_id,
        api_key=api_key,
        action=action,
        actor=actor,
        actor_email=actor.email if actor is not None else "",
        key_display=f"{api_key.display_prefix}…{api_key.last_four}",
        detail=detail or {},
    )


def api_key_create(
    *,
    tenant: Tenant,
    name: str,
    mode: str = ApiKey.Mode.LIVE,
    scopes: list[str] | None = None,
    expires_at: datetime | None = None,
    actor: User | None = None,
) -> IssuedApiKey:
    """Issue a key for ``tenant`` (either twin; keys belong to the live row). Returns the raw
    secret exactly once. ``scopes`` default to ``["all"]``. ``actor`` (a person) is recorded as
    the key's creator and in the audit log."""
    if mode not in ApiKey.Mode.values:
        raise BusinessRuleError(f"Unknown key mode {mode!r}.", code="invalid_mode")
    try:
        scopes = scopes_normalize(scopes)
    except ValueError as exc:
        raise BusinessRuleError(str(exc), code="invalid_scope") from None
    if expires_at is not None and expires_at <= timezone.now():
        raise BusinessRuleError("The expiry must be in the future.", code="invalid_expiry")
    name = name.strip()[:100] or f"{mode} key"
    with transaction.atomic():
        api_key = ApiKey(
            tenant=tenant.organisation,
            name=name,
            mode=mode,
            scopes=scopes,
            expires_at=expires_at,
            created_by=actor,
        )
        api_key.save()
        secret, raw = _secret_add(api_key=api_key)
        api_key.display_prefix, api_key.last_four = secret.display_prefix, secret.last_four
        api_key.save(update_fields=["display_prefix", "last_four"])
        _event_record(
            api_key=api_key,
            action=ApiKeyEvent.Action.CREATED,
            actor=actor,
            detail={"mode": mode, "scopes": scopes, "name": name},
        )
    return IssuedApiKey(api_key=api_key, secret=raw)


def api_key_revoke(*, api_key: ApiKey, actor: User | None = None) -> ApiKey:
    """Revoke a key (every secret of it). Effective at once in this process and within
    ``API_KEY_CACHE_SECONDS`` in every other. Revoking a revoked key changes nothing (and is not
    logged again)."""
    with transaction.atomic():
        locked = ApiKey.objects.select_for_update().filter(pk=api_key.pk).first()
        if locked is not None and locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.save(update_fields=["revoked_at"])
            _event_record(api_key=locked, action=ApiKeyEvent.Action.REVOKED, actor=actor)
        if locked is not None:
            api_key.revoked_at = locked.revoked_at
    caches_invalidate("api_key")
    return api_key


def api_key_roll(
    *,
    api_key: ApiKey,
    grace_period: timedelta = timedelta(hours=24),
    actor: User | None = None,
) -> IssuedApiKey:
    """Issue a new secret for ``api_key``; its current secrets keep working for ``grace_period``
    (0 h – 7 days; 0 ends them now). Returns the new raw secret, the only time it is shown."""
    if not timedelta(0) <= grace_period <= MAX_ROLL_GRACE:
        raise BusinessRuleError(
            "The grace period must be between 0 hours and 7 days.", code="invalid_grace_period"
        )
    ends_at = timezone.now() + grace_period
    with transaction.atomic():
        # Under the key's row lock: a concurrent revoke or roll waits, and the state checked is
        # the state written against.
        locked = ApiKey.objects.select_for_update().filter(pk=api_key.pk).first()
        if locked is None or not locked.is_active:
            raise BusinessRuleError(
                "A revoked or expired key cannot be rolled.", code="key_inactive"
            )
        current = locked.secrets.filter(expires_at__isnull=True)
        current.update(expires_at=ends_at)
        # Secrets already in a grace period never get a longer one from a later roll.
        locked.secrets.filter(expires_at__gt=ends_at).update(expires_at=ends_at)
        previous_display = f"{locked.display_prefix}…{locked.last_four}"
        secret, raw = _secret_add(api_key=locked)
        locked.display_prefix, locked.last_four = secret.display_prefix, secret.last_four
        locked.save(update_fields=["display_prefix", "last_four"])
        _event_record(
            api_key=locked,
            action=ApiKeyEvent.Action.ROLLED,
            actor=actor,
            detail={
                "grace_period_seconds": int(grace_period.total_seconds()),
                "previous_key_display": previous_display,
                "previous_secrets_expire_at": ends_at.isoformat(),
            },
        )
    api_key.display_prefix, api_key.last_four = locked.display_prefix, locked.last_four
    caches_invalidate("api_key")
    return IssuedApiKey(api_key=locked, secret=raw)
