"""Reads of API keys (for the portal and operators)."""

from django.db.models import QuerySet

from api.models import ApiKey
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
