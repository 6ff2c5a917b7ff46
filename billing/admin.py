from django.contrib import admin

from billing.models import Plan
from billing.services import plan_update


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

    def save_model(self, request, obj, form, change):
        # Through the service, so the price list and every gateway's limits follow at once.
        plan_update(plan=obj)
