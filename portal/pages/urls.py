"""URLs of the data pages, included by ``portal.urls`` into the ``portal`` namespace (no
namespace of their own: ``portal:keys``, ``portal:webhook_detail``…)."""

from django.urls import path

from portal.pages import dashboard, keys, logs, usage, webhooks

urlpatterns = [
    path("", dashboard.DashboardView.as_view(), name="dashboard"),
    path("keys/", keys.ApiKeyListView.as_view(), name="keys"),
    path("keys/new/", keys.ApiKeyCreateView.as_view(), name="key_create"),
    path("keys/<str:key_id>/roll/", keys.ApiKeyRollView.as_view(), name="key_roll"),
    path("keys/<str:key_id>/revoke/", keys.ApiKeyRevokeView.as_view(), name="key_revoke"),
    path("usage/", usage.UsageView.as_view(), name="usage"),
    path("usage/export.csv", usage.UsageCsvView.as_view(), name="usage_csv"),
    path("logs/", logs.RequestLogListView.as_view(), name="logs"),
    path("logs/<str:request_id>/", logs.RequestLogDetailView.as_view(), name="log_detail"),
    path("webhooks/", webhooks.WebhookListView.as_view(), name="webhooks"),
    path("webhooks/new/", webhooks.WebhookCreateView.as_view(), name="webhook_create"),
    path(
        "webhooks/deliveries/<str:delivery_id>/",
        webhooks.WebhookDeliveryView.as_view(),
        name="webhook_delivery",
    ),
    path(
        "webhooks/deliveries/<str:delivery_id>/retry/",
        webhooks.WebhookDeliveryRetryView.as_view(),
        name="webhook_delivery_retry",
    ),
    path(
        "webhooks/<str:endpoint_id>/", webhooks.WebhookDetailView.as_view(), name="webhook_detail"
    ),
    path(
        "webhooks/<str:endpoint_id>/edit/", webhooks.WebhookEditView.as_view(), name="webhook_edit"
    ),
    path(
        "webhooks/<str:endpoint_id>/toggle/",
        webhooks.WebhookToggleView.as_view(),
        name="webhook_toggle",
    ),
    path(
        "webhooks/<str:endpoint_id>/delete/",
        webhooks.WebhookDeleteView.as_view(),
        name="webhook_delete",
    ),
    path(
        "webhooks/<str:endpoint_id>/secret/",
        webhooks.WebhookSecretView.as_view(),
        name="webhook_secret",
    ),
    path(
        "webhooks/<str:endpoint_id>/rotate/",
        webhooks.WebhookRotateView.as_view(),
        name="webhook_rotate",
    ),
    path(
        "webhooks/<str:endpoint_id>/test/", webhooks.WebhookTestView.as_view(), name="webhook_test"
    ),
    path(
        "webhooks/<str:endpoint_id>/recover/",
        webhooks.WebhookRecoverView.as_view(),
        name="webhook_recover",
    ),
]
