"""URLs of the billing pages, included by ``portal.urls`` at ``billing/`` into the ``portal``
namespace (``portal:billing``, ``portal:billing_invoice``…)."""

from django.urls import path

from portal.billing import views

urlpatterns = [
    path("", views.BillingHomeView.as_view(), name="billing"),
    path("plan/", views.PlanChangeView.as_view(), name="billing_plan"),
    path("cancel/", views.CancelView.as_view(), name="billing_cancel"),
    path("resume/", views.ResumeView.as_view(), name="billing_resume"),
    path("settings/", views.SettingsView.as_view(), name="billing_settings"),
    path("payment-method/", views.PaymentMethodView.as_view(), name="billing_payment_method"),
    path("invoices/", views.InvoiceListView.as_view(), name="billing_invoices"),
    path("invoices/<str:invoice_id>/", views.InvoiceDetailView.as_view(), name="billing_invoice"),
    path(
        "invoices/<str:invoice_id>/document/",
        views.InvoiceDocumentView.as_view(),
        name="billing_invoice_html",
    ),
    path(
        "invoices/<str:invoice_id>/pdf/",
        views.InvoiceDocumentView.as_view(as_pdf=True),
        name="billing_invoice_pdf",
    ),
]
