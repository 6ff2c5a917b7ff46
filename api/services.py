"""Writes of API keys: create (the one time a secret is shown), revoke, roll; and provisioning a
tenant together with its first live and test keys."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from api.gateway import key_cache_clear
from api.keys import api_key_generate, api_key_hash
from api.models import ApiKey, ApiKeySecret
from api.scopes import scopes_normalize
from core.errors import BusinessRuleError
from tenants.models import Tenant
from tenants.services import ProvisionedTenant, tenant_provision

MAX_ROLL_GRACE = timedelta(days=7)


@dataclass(frozen=True)
class IssuedApiKey:
    api_key: ApiKey
    # The raw secret. This is THE ONLY TIME it is available: only its HMAC is stored.
    secret: str


def _key_cache_clear_now_and_on_commit() -> None:
    # Now, for this process; on commit, in case a request cached the old state in between.
    key_cache_clear()
    transaction.on_commit(key_cache_clear)


def _secret_add(*, api_key: ApiKey) -> tuple[ApiKeySecret, str]:
    parsed = api_key_generate(mode=api_key.mode)
    secret = ApiKeySecret.objects.create(
        api_key=api_key,
        secret_hash=api_key_hash(parsed.raw),
        display_prefix=parsed.display_prefix,
        last_four=parsed.last_four,
    )
    return secret, parsed.raw


def api_key_create(
    *,
    tenant: Tenant,
    name: str,
    mode: str = ApiKey.Mode.LIVE,
    scopes: list[str] | None = None,
    expires_at: datetime | None = None,
) -> IssuedApiKey:
    """Issue a key for ``tenant`` (either twin; keys belong to the live row). Returns the raw
    secret exactly once. ``scopes`` default to ``["all"]``."""
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
            tenant=tenant.organisation, name=name, mode=mode, scopes=scopes, expires_at=expires_at
        )
        api_key.save()
        secret, raw = _secret_add(api_key=api_key)
        api_key.display_prefix, api_key.last_four = secret.display_prefix, secret.last_four
        api_key.save(update_fields=["display_prefix", "last_four"])
    return IssuedApiKey(api_key=api_key, secret=raw)


def api_key_revoke(*, api_key: ApiKey) -> ApiKey:
    """Revoke a key (every secret of it). Effective at once in this process and within
    ``API_KEY_CACHE_SECONDS`` in every other."""
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at"])
    _key_cache_clear_now_and_on_commit()
    return api_key


def api_key_roll(*, api_key: ApiKey, grace_period: timedelta = timedelta(hours=24)) -> IssuedApiKey:
    """Issue a new secret for ``api_key``; its current secrets keep working for ``grace_period``
    (0 h – 7 days; 0 ends them now). Returns the new raw secret, the only time it is shown."""
    if not timedelta(0) <= grace_period <= MAX_ROLL_GRACE:
        raise BusinessRuleError(
            "The grace period must be between 0 hours and 7 days.", code="invalid_grace_period"
        )
    if not api_key.is_active:
        raise BusinessRuleError("A revoked or expired key cannot be rolled.", code="key_inactive")
    ends_at = timezone.now() + grace_period
    with transaction.atomic():
        ApiKey.objects.select_for_update().filter(pk=api_key.pk).first()
        current = api_key.secrets.filter(expires_at__isnull=True)
        current.update(expires_at=ends_at)
        # Secrets already in a grace period never get a longer one from a later roll.
        api_key.secrets.filter(expires_at__gt=ends_at).update(expires_at=ends_at)
        secret, raw = _secret_add(api_key=api_key)
        api_key.display_prefix, api_key.last_four = secret.display_prefix, secret.last_four
        api_key.save(update_fields=["display_prefix", "last_four"])
    _key_cache_clear_now_and_on_commit()
    return IssuedApiKey(api_key=api_key, secret=raw)


def tenant_provision_with_keys(**provision_kwargs) -> ProvisionedTenant:
    """``tenants.services.tenant_provision`` plus a live and a test key, in one transaction.

    The raw keys are in ``provisioned.extra`` as ``live_key`` / ``test_key`` (shown once).
    """
    with transaction.atomic():
        provisioned = tenant_provision(**provision_kwargs)
        live = api_key_create(tenant=provisioned.tenant, name="Default live key", mode="live")
        test = api_key_create(tenant=provisioned.tenant, name="Default test key", mode="test")
    provisioned.extra.update(live_key=live.secret, test_key=test.secret)
    return provisioned
