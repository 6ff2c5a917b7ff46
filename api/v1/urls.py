"""Routes of the REST API, mounted at /v1/ by ``api.urls`` (tenant hosts and the shared API
host): each resource module declares its own ``urlpatterns`` next to its views. Ids in paths
are the public prefixed ids."""

from django.urls import include, path

from api.v1.batch import BatchView
from api.v1.docs import OpenApiView

urlpatterns = [
    path("openapi.json", OpenApiView.as_view(), name="v1-openapi"),
    path("batch", BatchView.as_view(), name="v1-batch"),
    path("", include("api.v1.challenges")),
    path("", include("api.v1.applications")),  # also challenges/{id}/applications
    path("", include("api.v1.messages")),  # also applications/{id}/messages
    path("", include("api.v1.reviews")),
    path("", include("api.v1.events")),
    path("", include("api.v1.webhooks")),  # webhook endpoints, deliveries, attempts
    path("", include("api.v1.billing")),  # usage, invoices, billing settings and estimate
]
