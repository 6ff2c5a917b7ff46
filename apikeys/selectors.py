"""Reads of API keys: lookup by presented secret (the gateway), lists, access-checked fetches."""

import hmac
from datetime import UTC, datetime

from django.db.models import Prefetch, QuerySet

from apikeys.keys import api_key_hash, api_key_parse
from apikeys.models import ApiKey, ApiKeyEvent, ApiKeySecret
from core.errors import NotFoundError
from core.ids import id_is_wellformed
from tenants.models import Tenant


def api_key_list(*, tenant: Tenant, mode: str | None = None) -> QuerySet[ApiKey]:
    keys = ApiKey.objects.filter(tenant=tenant.organisation)
    return keys.filter(mode=mode) if mode else keys


def api_key_get(*, tenant: Tenant, key_id: str) -> ApiKey:
    """The tenant's key, or NotFoundError whether it is missing or another tenant's (or an id
    that cannot be a key's, answered without a query)."""
    api_key = None
    if id_is_wellformed(key_id, prefix="key"):
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


# --- The portal's key pages (portal.pages.keys)


def api_key_list_with_creators(*, tenant: Tenant, mode: str | None = None) -> list[ApiKey]:
    """The tenant's keys (of ``mode`` if given), newest first, each with ``created_by`` loaded
    and ``secrets_in_grace`` (the previous secrets of a rolled key that still work, with their
    end of grace in ``expires_at``): two queries, however many keys."""
    in_grace = ApiKeySecret.objects.filter(expires_at__gt=datetime.now(UTC)).order_by("expires_at")
    return list(
        api_key_list(tenant=tenant, mode=mode)
        .select_related("created_by")
        .prefetch_related(Prefetch("secrets", queryset=in_grace, to_attr="secrets_in_grace"))
    )


def api_key_names(*, tenant: Tenant, key_ids) -> dict[str, str]:
    """``{key id: "name (prefix…last4)"}`` for the tenant's keys among ``key_ids`` (ids of other
    tenants' keys are left out). One query."""
    ids = [key_id for key_id in set(key_ids) if isinstance(key_id, str)]
    if not ids:
        return {}
    rows = ApiKey.objects.filter(tenant=tenant.organisation, pk__in=ids).values_list(
        "pk", "name", "display_prefix", "last_four"
    )
    return {pk: f"{name} ({prefix}…{last_four})" for pk, name, prefix, last_four in rows}


def api_key_event_list(
    *, tenant: Tenant, api_key_id: str | None = None, limit: int = 50
) -> list[ApiKeyEvent]:
    """The audit log of the tenant's keys (of one key if given), newest first, with each entry's
    key loaded: one query."""
    events = ApiKeyEvent.objects.filter(tenant=tenant.organisation).select_related("api_key")
    if api_key_id is not None:
        events = events.filter(api_key_id=api_key_id)
    return list(events[:limit])


def api_key_latest_active(*, tenant: Tenant, mode: str, created_by=None) -> ApiKey | None:
    """The newest working key of ``mode`` — created by ``created_by`` if there is one, else any —
    for the portal's quick start. At most two queries."""
    now = datetime.now(UTC)
    keys = api_key_list(tenant=tenant, mode=mode).filter(revoked_at__isnull=True)
    keys = keys.exclude(expires_at__lte=now)
    if created_by is not None:
        mine = keys.filter(created_by=created_by).first()
        if mine is not None:
            return mine
    return keys.first()
