"""Probe views for the gateway's tests, mounted by ``api.tests.urls`` under /v1/_probe/."""

from django.db import OperationalError, connection
from django.urls import include, path
from rest_framework import serializers
from rest_framework.response import Response

from api.bases import ApiView
from core.errors import BusinessRuleError
from openchance.urls_tenants import urlpatterns as tenant_urlpatterns


class ItemSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=10)
    amount = serializers.IntegerField(min_value=0)


class ItemView(ApiView):
    scope_family = "challenges"

    def get(self, request, item_id):
        return Response({"item_id": item_id, "schema": connection.schema_name})

    def post(self, request, item_id):
        serializer = ItemSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response({"item_id": item_id, **serializer.validated_data}, status=201)


class CostlyView(ApiView):
    cost = 5

    def get(self, request):
        return Response({"ok": True})


class EndpointLimitedView(ApiView):
    rate_limit = "2/m"

    def get(self, request):
        return Response({"ok": True})


class FailingView(ApiView):
    def get(self, request):
        raise RuntimeError("secret internals: password=hunter2")

    def post(self, request):
        raise BusinessRuleError("The deadline has passed.", code="deadline_passed", deadline="x")


class DatabaseDownView(ApiView):
    """Fails as a call does when PostgreSQL goes away after the gateway let it through."""

    def get(self, request):
        raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")


urlpatterns = [
    path(
        "v1/_probe/",
        include(
            [
                path("items/<str:item_id>", ItemView.as_view()),
                path("costly", CostlyView.as_view()),
                path("limited", EndpointLimitedView.as_view()),
                path("failing", FailingView.as_view()),
                path("database-down", DatabaseDownView.as_view()),
            ]
        ),
    ),
    *tenant_urlpatterns,
]
