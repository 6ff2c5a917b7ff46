"""Operator admin of the usage ledger (read-only)."""

from django.contrib import admin

from metering.models import UsageMinute


@admin.register(UsageMinute)
class UsageMinuteAdmin(admin.ModelAdmin):
    """The usage ledger, read-only: rows are written by the usage flush alone."""

    list_display = ["minute", "tenant", "mode", "method", "route", "status", "is_billable", "calls"]
    list_filter = ["mode", "is_billable", "method"]
    search_fields = ["tenant__slug", "api_key_id", "route"]
    date_hierarchy = "minute"
    list_select_related = ["tenant"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
