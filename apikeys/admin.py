"""Operator admin for API keys: list and revoke; secrets are never shown (only hashes exist)."""

from django.contrib import admin

from apikeys.models import ApiKey
from core.invalidation import caches_invalidate


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["id", "tenant", "name", "mode", "display_prefix", "last_four", "created_at",
                    "expires_at", "revoked_at", "last_used_at"]  # fmt: skip
    list_filter = ["mode"]
    search_fields = ["id", "name", "tenant__slug", "last_four"]
    readonly_fields = ["id", "display_prefix", "last_four", "created_at", "last_used_at"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # A revocation or an expiry set here reaches every gateway at its next call.
        caches_invalidate("api_key")
