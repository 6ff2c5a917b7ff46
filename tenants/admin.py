"""Operator admin for tenancy, on the public host only (urls_public)."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Count

from tenants.models import Domain, Membership, Tenant, User
from tenants.services import tenant_reactivate, tenant_suspend


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


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


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = [
        "email",
        "name",
        "is_staff",
        "is_active",
        "tenant_count",
        "date_joined",
        "last_login",
    ]
    list_filter = ["is_staff", "is_superuser", "is_active"]
    search_fields = ["email", "name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Profile", {"fields": ["name"]}),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]
    inlines = [MembershipInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(tenant_total=Count("memberships"))

    @admin.display(description="Tenants", ordering="tenant_total")
    def tenant_count(self, user):
        return user.tenant_total


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "tenant", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "tenant__slug", "tenant__name"]
    autocomplete_fields = ["user", "tenant"]
    list_select_related = ["user", "tenant"]


@admin.register(Domain)
class DomainAdmin(admin.ModelAdmin):
    list_display = ["domain", "tenant", "is_primary"]
    search_fields = ["domain", "tenant__slug"]
    list_select_related = ["tenant"]
