"""Operator admin of tenants (public host only): every change goes through a service.

The change form edits name, slug, plan and status, but ``save_model`` never saves the row itself:
it calls ``tenant_name_change``, ``tenant_slug_change`` (schemas and domain follow),
``tenant_plan_change`` (billing; limits follow) and ``tenant_suspend`` / ``tenant_reactivate``
(``suspended_at`` set, caches cleared), so the admin can do nothing the services would refuse.
"""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count

from billing.services import tenant_plan_change
from tenants.admin import DomainInline, MembershipInline
from tenants.models import Tenant
from tenants.services import (
    ProvisioningError,
    slug_validate,
    tenant_name_change,
    tenant_reactivate,
    tenant_slug_change,
    tenant_suspend,
)


class TenantAdminForm(forms.ModelForm):
    class Meta:
        model = Tenant
        fields = ["slug", "name", "plan", "status", "suspended_reason"]

    def clean_slug(self):
        slug = self.cleaned_data["slug"].strip()
        if slug != self.instance.slug:
            try:
                slug_validate(slug, exclude=self.instance)
            except ProvisioningError as error:
                raise forms.ValidationError(error.message, code=error.code) from None
        return slug

    def clean_plan(self):
        plan = self.cleaned_data["plan"]
        if plan is None:
            raise forms.ValidationError("A tenant needs a plan.", code="required")
        return plan


@admin.register(Tenant)
class TenantAdmin(admin.ModelAdmin):
    list_display = [
        "slug",
        "name",
        "plan",
        "status",
        "primary_domain",
        "member_count",
        "schema_name",
        "created_at",
    ]
    list_filter = ["status", "plan"]
    search_fields = ["slug", "name", "domains__domain", "memberships__user__email"]
    form = TenantAdminForm
    readonly_fields = ["schema_name", "mode", "created_at", "suspended_at"]
    fields = [
        "slug",
        "name",
        "plan",
        "status",
        "suspended_reason",
        "suspended_at",
        "schema_name",
        "mode",
        "created_at",
    ]
    inlines = [DomainInline, MembershipInline]
    actions = ["suspend", "reactivate"]
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        # Sandbox twins are part of their live tenant, not tenants of their own.
        return (
            super()
            .get_queryset(request)
            .filter(mode=Tenant.Mode.LIVE)
            .select_related("plan")
            .prefetch_related("domains")
            .annotate(member_total=Count("memberships", distinct=True))
        )

    def save_model(self, request, obj, form, change):
        """Every change through a service: a slug change renames schemas and the domain, a plan
        change and a suspension reach the gateway's caches (see ``TenantAdminForm``)."""
        tenant = Tenant.objects.get(pk=obj.pk)
        data, changed = form.cleaned_data, set(form.changed_data)
        if "name" in changed:
            tenant = tenant_name_change(tenant=tenant, name=data["name"])
        if "slug" in changed:
            tenant = tenant_slug_change(tenant=tenant, slug=data["slug"])
        if "plan" in changed:
            tenant = tenant_plan_change(tenant=tenant, plan=data["plan"])
        if "status" in changed or "suspended_reason" in changed:
            if data["status"] == Tenant.Status.SUSPENDED:
                reason = data["suspended_reason"] or f"Suspended by {request.user.email}"
                tenant = tenant_suspend(tenant=tenant, reason=reason)
            else:
                tenant = tenant_reactivate(tenant=tenant)
        form.instance = obj = tenant

    def has_add_permission(self, request):
        return False  # provisioning clones schemas: use `manage.py provision_tenant`

    @admin.display(description="Domain")
    def primary_domain(self, tenant):
        return next((d.domain for d in tenant.domains.all() if d.is_primary), "—")

    @admin.display(description="Members", ordering="member_total")
    def member_count(self, tenant):
        return tenant.member_total

    @admin.action(description="Suspend selected tenants")
    def suspend(self, request, queryset):
        for tenant in queryset:
            tenant_suspend(tenant=tenant, reason=f"Suspended by {request.user.email}")
        self.message_user(request, f"Suspended {queryset.count()} tenant(s).", messages.SUCCESS)

    @admin.action(description="Reactivate selected tenants")
    def reactivate(self, request, queryset):
        for tenant in queryset:
            tenant_reactivate(tenant=tenant)
        self.message_user(request, f"Reactivated {queryset.count()} tenant(s).", messages.SUCCESS)
