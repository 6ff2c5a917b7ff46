"""Operator admin of billing (public host): plans, subscriptions, invoices and revenue.

Nothing here writes a row itself: plan edits go through ``plan_update``; invoice actions call
``invoice_void``, ``invoice_mark_paid`` and ``credit_note_issue``; subscriptions and invoices
are read-only pages (a finalised invoice never changes — corrections are credit notes). The
revenue page (``/admin/billing/invoice/revenue/``) shows MRR per plan and invoiced overage per
period from ``billing.selectors``.
"""

from django import forms
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from billing.models import BillingAlert, CreditNote, Invoice, InvoiceLine, Plan, Subscription
from billing.rendering import money
from billing.selectors import overage_revenue_by_period, revenue_by_plan
from billing.services import (
    credit_note_issue,
    invoice_mark_paid,
    invoice_void,
    plan_update,
)
from core.errors import DomainError


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


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written by billing services only: viewable, never added, edited or deleted here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyAdmin):
    list_display = [
        "public_id",
        "organisation",
        "plan",
        "status",
        "provider",
        "current_period_start",
        "scheduled_plan",
        "cancel_at_period_end",
        "spend_cap_amount",
        "restricted_at",
    ]
    list_filter = ["status", "provider", "cancel_at_period_end", "organisation__plan"]
    search_fields = ["public_id", "organisation__slug", "organisation__name", "stripe_customer_id"]
    list_select_related = ["organisation__plan", "scheduled_plan"]

    @admin.display(description="Plan", ordering="organisation__plan__code")
    def plan(self, subscription):
        return subscription.organisation.plan


class InvoiceLineInline(admin.TabularInline):
    model = InvoiceLine
    fields = ["kind", "description", "quantity", "unit_amount", "amount"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class CreditNoteInline(admin.TabularInline):
    model = CreditNote
    fields = ["number", "amount", "reason", "created_by", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class CreditNoteForm(forms.Form):
    amount = forms.IntegerField(min_value=1, help_text="Minor units (cents).")
    reason = forms.CharField(max_length=500)


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyAdmin):
    list_display = [
        "__str__",
        "organisation",
        "period_start",
        "status",
        "total_display",
        "amount_due",
        "calls_billable",
        "finalised_at",
        "paid_at",
    ]
    list_filter = ["status", "period_start", "plan_code"]
    search_fields = ["number", "public_id", "organisation__slug", "customer_name"]
    list_select_related = ["organisation"]
    date_hierarchy = "period_start"
    inlines = [InvoiceLineInline, CreditNoteInline]
    actions = ["void_invoices", "mark_paid", "issue_credit_note"]
    change_list_template = "admin/billing/invoice/change_list.html"

    @admin.display(description="Total", ordering="total")
    def total_display(self, invoice):
        return money(invoice.total, invoice.currency)

    def has_operate_permission(self, request) -> bool:
        """Voiding, marking paid and crediting: superusers, or staff granted "Can change
        invoice" (the admin edits no invoice field; this permission stands for the actions)."""
        return request.user.is_active and (
            request.user.is_superuser or request.user.has_perm("billing.change_invoice")
        )

    def _run(self, request, queryset, service, done: str):
        ok = failed = 0
        for invoice in queryset:
            try:
                service(invoice)
            except DomainError as error:
                failed += 1
                self.message_user(request, f"{invoice}: {error.detail}", messages.ERROR)
            else:
                ok += 1
        if ok:
            self.message_user(request, f"{done} {ok} invoice(s).", messages.SUCCESS)

    @admin.action(description="Void selected invoices", permissions=["operate"])
    def void_invoices(self, request, queryset):
        actor = request.user.email
        self._run(
            request,
            queryset,
            lambda invoice: invoice_void(invoice=invoice, reason="admin", actor=actor),
            "Voided",
        )

    @admin.action(
        description="Mark selected invoices paid (payment received)", permissions=["operate"]
    )
    def mark_paid(self, request, queryset):
        actor = request.user.email
        self._run(
            request,
            queryset,
            lambda invoice: invoice_mark_paid(invoice=invoice, actor=actor),
            "Marked paid",
        )

    @admin.action(
        description="Issue a credit note on the selected invoice", permissions=["operate"]
    )
    def issue_credit_note(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one invoice.", messages.ERROR)
            return None
        invoice = queryset.get()
        return HttpResponseRedirect(reverse("admin:billing_invoice_credit_note", args=[invoice.pk]))

    def get_urls(self):
        return [
            path(
                "revenue/",
                self.admin_site.admin_view(self.revenue_view),
                name="billing_invoice_revenue",
            ),
            path(
                "<int:invoice_pk>/credit-note/",
                self.admin_site.admin_view(self.credit_note_view),
                name="billing_invoice_credit_note",
            ),
            *super().get_urls(),
        ]

    def credit_note_view(self, request, invoice_pk: int):
        invoice = Invoice.objects.filter(pk=invoice_pk).select_related("organisation").first()
        if invoice is None or not self.has_operate_permission(request):
            return HttpResponseRedirect(reverse("admin:billing_invoice_changelist"))
        form = CreditNoteForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                note = credit_note_issue(
                    invoice=invoice,
                    amount=form.cleaned_data["amount"],
                    reason=form.cleaned_data["reason"],
                    actor=request.user.email,
                )
            except DomainError as error:
                form.add_error(
                    error.extra.get("field") if error.extra.get("field") in form.fields else None,
                    error.detail,
                )
            else:
                self.message_user(
                    request, f"Credit note {note.number} issued on {invoice}.", messages.SUCCESS
                )
                return HttpResponseRedirect(
                    reverse("admin:billing_invoice_change", args=[invoice.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "title": f"Issue a credit note on {invoice}",
            "invoice": invoice,
            "form": form,
            "opts": self.model._meta,
            "creditable": money(invoice.total - invoice.amount_credited, invoice.currency),
        }
        return TemplateResponse(request, "admin/billing/invoice/credit_note.html", context)

    def revenue_view(self, request):
        plans = revenue_by_plan()
        periods = overage_revenue_by_period()
        context = {
            **self.admin_site.each_context(request),
            "title": "Revenue",
            "opts": self.model._meta,
            "plans": [{**row, "mrr_display": money(row["mrr"], row["currency"])} for row in plans],
            "mrr_total": money(sum(row["mrr"] for row in plans), "usd"),
            "periods": [
                {
                    **row,
                    "overage_display": money(row["overage"], "usd"),
                    "total_display": money(row["total"], "usd"),
                    "credited_display": money(row["credited"], "usd"),
                }
                for row in periods
            ],
        }
        return TemplateResponse(request, "admin/billing/invoice/revenue.html", context)


@admin.register(BillingAlert)
class BillingAlertAdmin(ReadOnlyAdmin):
    list_display = ["organisation", "period_start", "threshold", "reached_at", "calls", "amount"]
    list_filter = ["threshold", "period_start"]
    search_fields = ["organisation__slug"]
