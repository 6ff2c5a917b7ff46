"""Reads of API keys: lookup by presented secret (the gateway), lists, access-checked fetches."""

import hmac
from datetime import UTC, datetime

from django.db.models import QuerySet

from apikeys.keys import api_key_hash, api_key_parse
from apikeys.models import ApiKey, ApiKeySecret
from core.errors import NotFoundError
from tenants.models import Tenant


def api_key_list(*, tenant: Tenant, mode: str | None = None) -> QuerySet[ApiKey]:
    keys = ApiKey.objects.filter(tenant=tenant.organisation)
    return keys.filter(mode=mode) if mode else keys


def api_key_get(*, tenant: Tenant, key_id: str) -> ApiKey:
    """The tenant's key, or NotFoundError whether it is missing or another tenant's."""
    api_key = ApiKey.objects.filter(tenant=tenant.organisation, pk=key_id).first()
    if api_key is None:
        raise NotFoundError(f"No API key {key_id!r}.")
    return api_key


def api_key_secret_find(*, secret_hash: str) -> ApiKeySecret | None:
    """The secret with this HMAC, with its key, tenant, plan and sandbox twin in one query."""
    secret = (
        ApiKeySecret.objects.select_related("api_key__tenant__plan", "api_key__tenant__sandbox")
        .filter(secret_hash=secret_hash)
        .first()
    )
    # The index lookup found the row; compare anyway in constant time, as a matter of principle.
    if secret is None or not hmac.compare_digest(secret.secret_hash, secret_hash):
        return None
    return secret


def api_key_secret_is_usable(raw_key: str) -> bool:
    """Whether ``raw_key`` is a key that works now (well-formed, known, not revoked or expired).
    Tenant status and host are the gateway's concern."""
    parsed = api_key_parse(raw_key)
    if parsed is None:
        return False
    secret = api_key_secret_find(secret_hash=api_key_hash(parsed.raw))
    if secret is None:
        return False
    now = datetime.now(UTC)
    key = secret.api_key
    return (
        key.revoked_at is None
        and (key.expires_at is None or key.expires_at > now)
        and (secret.expires_at is None or secret.expires_at > now)
    )
