"""/v1 webhook resources: endpoints (CRUD, secret, rotate, test ping, recover), deliveries
(list per endpoint or event, retry) and attempts. Thin: parse, call ``webhooks.services.*`` or
``webhooks.selectors``, render. The active schema is the key's tenant and mode, so a sandbox key
sees sandbox endpoints only and an id from elsewhere is a 404 (``not_found``).

Scopes: ``webhooks:read`` for GET, ``webhooks:write`` for the rest — and for reading an
endpoint's signing secret, which lets whoever holds it forge that endpoint's webhooks."""

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status

from api.bases import ApiView
from api.gateway import scope_check
from api.idempotency import idempotent
from api.responses import Response
from api.v1 import webhook_serializers as io
from api.v1.common import NEWEST_FIRST, OLDEST_FIRST, Shape, list_response, ordering_table
from api.v1.params import CommaSeparatedField, ListParams, parse_list_params
from webhooks import selectors
from webhooks.models import WebhookDelivery
from webhooks.services import attempts, endpoints, fan_out

WEBHOOK_ORDERINGS = ordering_table(NEWEST_FIRST, OLDEST_FIRST)


class EndpointListParams(ListParams):
    pass


class DeliveryListParams(ListParams):
    endpoint = serializers.CharField(required=False, max_length=40, help_text="`we_…`")
    event = serializers.CharField(required=False, max_length=40, help_text="`evt_…`")

    def get_fields(self):
        fields = super().get_fields()
        fields["status"] = CommaSeparatedField(
            choices=WebhookDelivery.Status.values,
            required=False,
            help_text="One or more of pending, failed, succeeded, exhausted.",
        )
        return fields


class AttemptListParams(ListParams):
    endpoint = serializers.CharField(required=False, max_length=40, help_text="`we_…`")
    event = serializers.CharField(required=False, max_length=40, help_text="`evt_…`")
    delivery = serializers.CharField(required=False, max_length=40, help_text="`wd_…`")


def _page(request, queryset, params, render) -> Response:
    # Webhook resources take no fields/expand: every object whole.
    return list_response(
        request, queryset, params, orderings=WEBHOOK_ORDERINGS, render=render, shape=Shape()
    )


def _path(name: str, description: str) -> OpenApiParameter:
    return OpenApiParameter(name, str, OpenApiParameter.PATH, description=description)


ENDPOINT_ID = _path("endpoint_id", "A webhook endpoint id (`we_…`).")
DELIVERY_ID = _path("delivery_id", "A webhook delivery id (`wd_…`).")


class WebhookView(ApiView):
    scope_family = "webhooks"


@extend_schema(tags=["Webhooks"])
class WebhookEndpointListView(WebhookView):
    @extend_schema(
        operation_id="webhook_endpoints_list",
        summary="List webhook endpoints",
        parameters=[EndpointListParams],
        responses=io.WebhookEndpointListSerializer,
    )
    def get(self, request):
        params = parse_list_params(EndpointListParams, request.query_params)
        return _page(request, selectors.webhook_endpoint_list(), params, io.endpoint_render)

    @extend_schema(
        operation_id="webhook_endpoints_create",
        summary="Create a webhook endpoint",
        description="The response carries the signing `secret` (also at `…/secret`).",
        request=io.WebhookEndpointCreateSerializer,
        responses={201: io.WebhookEndpointWithSecretSerializer},
    )
    @idempotent
    def post(self, request):
        data = _valid(io.WebhookEndpointCreateSerializer, request.data)
        endpoint = endpoints.webhook_endpoint_create(
            url=data["url"],
            description=data["description"],
            event_types=data["events"],
            is_enabled=data["enabled"],
        )
        return Response(
            io.endpoint_render(endpoint, live=request.livemode, with_secret=True),
            status=status.HTTP_201_CREATED,
            headers={"Location": f"/v1/webhook_endpoints/{endpoint.id}"},
        )


@extend_schema(tags=["Webhooks"], parameters=[ENDPOINT_ID])
class WebhookEndpointDetailView(WebhookView):
    @extend_schema(
        operation_id="webhook_endpoints_retrieve",
        summary="Retrieve a webhook endpoint",
        responses=io.WebhookEndpointSerializer,
    )
    def get(self, request, endpoint_id: str):
        endpoint = selectors.webhook_endpoint_get(endpoint_id=endpoint_id)
        return Response(io.endpoint_render(endpoint, live=request.livemode))

    @extend_schema(
        operation_id="webhook_endpoints_update",
        summary="Update a webhook endpoint",
        request=io.WebhookEndpointUpdateSerializer,
        responses=io.WebhookEndpointSerializer,
    )
    @idempotent
    def patch(self, request, endpoint_id: str):
        endpoint = selectors.webhook_endpoint_get(endpoint_id=endpoint_id)
        data = _valid(io.WebhookEndpointUpdateSerializer, request.data)
        endpoint = endpoints.webhook_endpoint_update(
            endpoint=endpoint,
            url=data.get("url"),
            description=data.get("description"),
            event_types=data.get("events"),
            is_enabled=data.get("enabled"),
        )
        return Response(io.endpoint_render(endpoint, live=request.livemode))

    @extend_schema(
        operation_id="webhook_endpoints_destroy",
        summary="Delete a webhook endpoint",
        description="Its deliveries and attempts go with it.",
        responses={200: io.WebhookEndpointDeletedSerializer},
    )
    def delete(self, request, endpoint_id: str):
        endpoint = selectors.webhook_endpoint_get(endpoint_id=endpoint_id)
        endpoints.webhook_endpoint_delete(endpoint=endpoint)
        return Response({"id": endpoint_id, "object": "webhook_endpoint", "deleted": True})


@extend_schema(tags=["Webhooks"], parameters=[ENDPOINT_ID])
class WebhookEndpointSecretView(WebhookView):
    def gateway_enter(self, request) -> None:
        super().gateway_enter(request)
        # The secret lets whoever holds it sign webhooks the receiver will trust: reading it needs
        # what rotating it needs, not the read scope every GET needs.
        scope_check(self.api_context, required=f"{self.scope_family}:write")

    @extend_schema(
        operation_id="webhook_endpoints_secret",
        summary="Reveal the signing secret",
        description="Needs the `webhooks:write` scope (a `webhooks:read` key gets 403 "
        "`insufficient_scope`): the secret lets its holder forge this endpoint's webhooks.",
        responses=io.WebhookEndpointSecretSerializer,
    )
    def get(self, request, endpoint_id: str):
        endpoint = selectors.webhook_endpoint_get(endpoint_id=endpoint_id)
        return Response(io.endpoint_secret_render(endpoint))


@extend_schema(tags=["Webhooks"], parameters=[ENDPOINT_ID])
class WebhookEndpointRotateSecretView(WebhookView):
    @extend_schema(
        operation_id="webhook_endpoints_rotate_secret",
        summary="Rotate the signing secret",
        description="A new secret signs from now on; the previous one keeps signing next to it "
        "for 24 hours (two signatures in `webhook-signature`).",
        request=None,
        responses=io.WebhookEndpointSecretSerializer,
    )
    @idempotent
    def post(self, request, endpoint_id: str):
        endpoint = selectors.webhook_endpoint_get(endpoint_id=endpoint_id)
        endpoint = endpoints.webhook_endpoint_rotate_secret(endpoint=endpoint)
        return Response(io.endpoint_secret_render(endpoint))


@extend_schema(tags=["Webhooks"], parameters=[ENDPOINT_ID])
class WebhookEndpointTestView(WebhookView):
    @extend_schema(
        operation_id="webhook_endpoints_test",
        summary="Send a ping event",
        description="Delivers a `ping` event to this endpoint only; follow it in its deliveries.",
        request=None,
        responses={202: io.WebhookDeliverySerializer},
    )
    @idempotent
    def post(self, request, endpoint_id: str):
        endpoint = selectors.webhook_endpoint_get(endpoint_id=endpoint_id)
        delivery = fan_out.webhook_endpoint_test(endpoint=endpoint)
        delivery = selectors.webhook_delivery_get(delivery_id=delivery.id)
        return Response(io.delivery_render(delivery), status=status.HTTP_202_ACCEPTED)


@extend_schema(tags=["Webhooks"], parameters=[ENDPOINT_ID])
class WebhookEndpointRecoverView(WebhookView):
    @extend_schema(
        operation_id="webhook_endpoints_recover",
        summary="Re-send failed deliveries",
        description="Every delivery of this endpoint created since `since` that failed or was "
        "exhausted is sent again now (the endpoint must be enabled).",
        request=io.WebhookEndpointRecoverSerializer,
        responses={202: io.WebhookRecoverResultSerializer},
    )
    @idempotent
    def post(self, request, endpoint_id: str):
        endpoint = selectors.webhook_endpoint_get(endpoint_id=endpoint_id)
        data = _valid(io.WebhookEndpointRecoverSerializer, request.data)
        count = endpoints.webhook_endpoint_recover(endpoint=endpoint, since=data["since"])
        return Response(
            io.recovery_render(endpoint, since=data["since"], deliveries=count),
            status=status.HTTP_202_ACCEPTED,
        )


@extend_schema(tags=["Webhooks"], parameters=[ENDPOINT_ID])
class WebhookEndpointDeliveryListView(WebhookView):
    @extend_schema(
        operation_id="webhook_endpoints_deliveries",
        summary="List the deliveries of an endpoint",
        parameters=[DeliveryListParams],
        responses=io.WebhookDeliveryListSerializer,
    )
    def get(self, request, endpoint_id: str):
        endpoint = selectors.webhook_endpoint_get(endpoint_id=endpoint_id)
        params = parse_list_params(DeliveryListParams, request.query_params)
        deliveries = selectors.webhook_delivery_list(
            endpoint_id=endpoint.id, event_id=params.get("event"), statuses=params.get("status")
        )
        return _page(request, deliveries, params, io.delivery_render)


@extend_schema(tags=["Webhooks"], parameters=[ENDPOINT_ID])
class WebhookEndpointAttemptListView(WebhookView):
    @extend_schema(
        operation_id="webhook_endpoints_attempts",
        summary="List the attempts of an endpoint",
        parameters=[AttemptListParams],
        responses=io.WebhookAttemptListSerializer,
    )
    def get(self, request, endpoint_id: str):
        endpoint = selectors.webhook_endpoint_get(endpoint_id=endpoint_id)
        params = parse_list_params(AttemptListParams, request.query_params)
        attempts = selectors.webhook_attempt_list(
            endpoint_id=endpoint.id,
            event_id=params.get("event"),
            delivery_id=params.get("delivery"),
        )
        return _page(request, attempts, params, io.attempt_render)


@extend_schema(tags=["Webhooks"])
class WebhookDeliveryListView(WebhookView):
    @extend_schema(
        operation_id="webhook_deliveries_list",
        summary="List webhook deliveries",
        description="Filter by `endpoint` and/or `event` (e.g. every delivery of one event).",
        parameters=[DeliveryListParams],
        responses=io.WebhookDeliveryListSerializer,
    )
    def get(self, request):
        params = parse_list_params(DeliveryListParams, request.query_params)
        deliveries = selectors.webhook_delivery_list(
            endpoint_id=params.get("endpoint"),
            event_id=params.get("event"),
            statuses=params.get("status"),
        )
        return _page(request, deliveries, params, io.delivery_render)


@extend_schema(tags=["Webhooks"], parameters=[DELIVERY_ID])
class WebhookDeliveryDetailView(WebhookView):
    @extend_schema(
        operation_id="webhook_deliveries_retrieve",
        summary="Retrieve a webhook delivery",
        responses=io.WebhookDeliverySerializer,
    )
    def get(self, request, delivery_id: str):
        delivery = selectors.webhook_delivery_get(delivery_id=delivery_id)
        return Response(io.delivery_render(delivery))


@extend_schema(tags=["Webhooks"], parameters=[DELIVERY_ID])
class WebhookDeliveryAttemptListView(WebhookView):
    @extend_schema(
        operation_id="webhook_deliveries_attempts",
        summary="List the attempts of a delivery",
        parameters=[EndpointListParams],
        responses=io.WebhookAttemptListSerializer,
    )
    def get(self, request, delivery_id: str):
        delivery = selectors.webhook_delivery_get(delivery_id=delivery_id)
        params = parse_list_params(EndpointListParams, request.query_params)
        attempts = selectors.webhook_attempt_list(delivery_id=delivery.id)
        return _page(request, attempts, params, io.attempt_render)


@extend_schema(tags=["Webhooks"], parameters=[DELIVERY_ID])
class WebhookDeliveryRetryView(WebhookView):
    @extend_schema(
        operation_id="webhook_deliveries_retry",
        summary="Retry a delivery now",
        description="Whatever its state (a succeeded one is sent again: replay). Same "
        "`webhook-id`, so receivers that dedupe are safe.",
        request=None,
        responses={202: io.WebhookDeliverySerializer},
    )
    @idempotent
    def post(self, request, delivery_id: str):
        delivery = selectors.webhook_delivery_get(delivery_id=delivery_id)
        attempts.webhook_delivery_retry(delivery=delivery)
        delivery = selectors.webhook_delivery_get(delivery_id=delivery_id)
        return Response(io.delivery_render(delivery), status=status.HTTP_202_ACCEPTED)


@extend_schema(tags=["Webhooks"])
class WebhookAttemptListView(WebhookView):
    @extend_schema(
        operation_id="webhook_attempts_list",
        summary="List webhook attempts",
        description="Filter by `endpoint`, `event` and/or `delivery`.",
        parameters=[AttemptListParams],
        responses=io.WebhookAttemptListSerializer,
    )
    def get(self, request):
        params = parse_list_params(AttemptListParams, request.query_params)
        attempts = selectors.webhook_attempt_list(
            endpoint_id=params.get("endpoint"),
            event_id=params.get("event"),
            delivery_id=params.get("delivery"),
        )
        return _page(request, attempts, params, io.attempt_render)


def _valid(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# Mounted by api.v1.urls (``include("api.v1.webhooks")``).
urlpatterns = [
    path("webhook_endpoints", WebhookEndpointListView.as_view(), name="v1-webhook-endpoints"),
    path(
        "webhook_endpoints/<str:endpoint_id>",
        WebhookEndpointDetailView.as_view(),
        name="v1-webhook-endpoint",
    ),
    path("webhook_endpoints/<str:endpoint_id>/secret", WebhookEndpointSecretView.as_view()),
    path(
        "webhook_endpoints/<str:endpoint_id>/rotate_secret",
        WebhookEndpointRotateSecretView.as_view(),
    ),
    path("webhook_endpoints/<str:endpoint_id>/test", WebhookEndpointTestView.as_view()),
    path("webhook_endpoints/<str:endpoint_id>/recover", WebhookEndpointRecoverView.as_view()),
    path(
        "webhook_endpoints/<str:endpoint_id>/deliveries",
        WebhookEndpointDeliveryListView.as_view(),
    ),
    path(
        "webhook_endpoints/<str:endpoint_id>/attempts",
        WebhookEndpointAttemptListView.as_view(),
    ),
    path("webhook_deliveries", WebhookDeliveryListView.as_view(), name="v1-webhook-deliveries"),
    path(
        "webhook_deliveries/<str:delivery_id>",
        WebhookDeliveryDetailView.as_view(),
        name="v1-webhook-delivery",
    ),
    path(
        "webhook_deliveries/<str:delivery_id>/attempts",
        WebhookDeliveryAttemptListView.as_view(),
    ),
    path("webhook_deliveries/<str:delivery_id>/retry", WebhookDeliveryRetryView.as_view()),
    path("webhook_attempts", WebhookAttemptListView.as_view(), name="v1-webhook-attempts"),
]
