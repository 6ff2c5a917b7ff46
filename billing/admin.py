from django.contrib import admin

from billing.models import Plan, UsageMinute


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "monthly_price",
        "included_calls",
        "is_hard_cap",
        "overage_unit_price",
        "rate_per_second",
        "burst",
        "is_public",
    ]
    list_filter = ["is_public", "is_hard_cap"]
    search_fields = ["code", "name"]


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
