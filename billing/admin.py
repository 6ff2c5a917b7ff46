from django.contrib import admin

from billing.models import Plan


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
