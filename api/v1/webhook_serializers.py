"""Input and output shapes of the /v1 webhook resources (endpoints, deliveries, attempts).

Output serializers document the shapes (OpenAPI) and render through the ``*_render`` functions,
which are what the views use."""

from rest_framework import serializers

from core.timestamps import timestamp_render
from webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint

EVENT_TYPE_PATTERNS_HELP = (
    "Event-type patterns to receive: an event type (`challenge.published`), a family "
    "(`challenge.*`: every type that starts with `challenge.`) or `*` for every type — the same "
    "grammar as `GET /v1/events?type=` and WebSocket subscriptions; anything else is refused "
    "(400 `invalid_event_type_pattern`)."
)


# --- Input


class WebhookEndpointCreateSerializer(serializers.Serializer):
    url = serializers.CharField(
        max_length=2048,
        help_text="Where events are POSTed: https (http only where the platform allows it), "
        "resolving to a public address.",
    )
    description = serializers.CharField(
        max_length=500, required=False, allow_blank=True, default=""
    )
    events = serializers.ListField(
        child=serializers.CharField(max_length=100),
        min_length=1,
        max_length=100,
        help_text=EVENT_TYPE_PATTERNS_HELP,
    )
    enabled = serializers.BooleanField(required=False, default=True)


class WebhookEndpointUpdateSerializer(serializers.Serializer):
    url = serializers.CharField(max_length=2048, required=False)
    description = serializers.CharField(max_length=500, required=False, allow_blank=True)
    events = serializers.ListField(
        child=serializers.CharField(max_length=100),
        min_length=1,
        max_length=100,
        required=False,
        help_text=EVENT_TYPE_PATTERNS_HELP,
    )
    enabled = serializers.BooleanField(
        required=False, help_text="`true` re-enables a disabled endpoint (its failure streak ends)."
    )


class WebhookEndpointRecoverSerializer(serializers.Serializer):
    since = serializers.DateTimeField(
        help_text="Re-send every failed or exhausted delivery created since this time."
    )


# --- Output


class WebhookEndpointHealthSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["healthy", "failing", "disabled"])
    failing_since = serializers.DateTimeField(
        allow_null=True, help_text="Since when every delivery failed (null while healthy)."
    )
    last_success_at = serializers.DateTimeField(allow_null=True)
    last_failure_at = serializers.DateTimeField(allow_null=True)


class WebhookEndpointSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="`we_…`")
    object = serializers.ChoiceField(choices=["webhook_endpoint"])
    url = serializers.CharField()
    description = serializers.CharField()
    events = serializers.ListField(
        child=serializers.CharField(), help_text=EVENT_TYPE_PATTERNS_HELP
    )
    enabled = serializers.BooleanField()
    disabled_reason = serializers.CharField(allow_null=True)
    disabled_at = serializers.DateTimeField(allow_null=True)
    livemode = serializers.BooleanField()
    health = WebhookEndpointHealthSerializer()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class WebhookEndpointWithSecretSerializer(WebhookEndpointSerializer):
    secret = serializers.CharField(help_text="`whsec_…`: verify signatures with it.")


class WebhookEndpointDeletedSerializer(serializers.Serializer):
    id = serializers.CharField()
    object = serializers.ChoiceField(choices=["webhook_endpoint"])
    deleted = serializers.BooleanField()


class WebhookEndpointSecretSerializer(serializers.Serializer):
    object = serializers.ChoiceField(choices=["webhook_endpoint_secret"])
    endpoint = serializers.CharField()
    secret = serializers.CharField(help_text="`whsec_…`")
    previous_secret_expires_at = serializers.DateTimeField(
        allow_null=True, help_text="Until then the previous secret signs as well."
    )


class WebhookDeliverySerializer(serializers.Serializer):
    id = serializers.CharField(help_text="`wd_…`")
    object = serializers.ChoiceField(choices=["webhook_delivery"])
    endpoint = serializers.CharField(help_text="`we_…`")
    event = serializers.CharField(help_text="`evt_…`; also the `webhook-id` header.")
    event_type = serializers.CharField()
    status = serializers.ChoiceField(choices=WebhookDelivery.Status.values)
    attempts = serializers.IntegerField()
    next_attempt_at = serializers.DateTimeField(allow_null=True)
    last_attempt_at = serializers.DateTimeField(allow_null=True)
    last_status_code = serializers.IntegerField(allow_null=True)
    last_error = serializers.CharField(allow_null=True)
    succeeded_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()


class WebhookAttemptSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="`wa_…`")
    object = serializers.ChoiceField(choices=["webhook_attempt"])
    delivery = serializers.CharField()
    endpoint = serializers.CharField()
    event = serializers.CharField()
    number = serializers.IntegerField(help_text="1 for the first attempt of the delivery.")
    attempted_at = serializers.DateTimeField()
    url = serializers.CharField()
    succeeded = serializers.BooleanField()
    status_code = serializers.IntegerField(allow_null=True)
    latency_ms = serializers.IntegerField()
    response_body = serializers.CharField(help_text="The first 4 KiB of the response.")
    error = serializers.CharField(allow_null=True)


class WebhookRecoverResultSerializer(serializers.Serializer):
    object = serializers.ChoiceField(choices=["webhook_recovery"])
    endpoint = serializers.CharField()
    since = serializers.DateTimeField()
    deliveries = serializers.IntegerField(help_text="How many deliveries were re-enqueued.")


def _list_of(serializer_class, name):
    return type(
        name,
        (serializers.Serializer,),
        {
            "object": serializers.ChoiceField(choices=["list"]),
            "data": serializer_class(many=True),
            "has_more": serializers.BooleanField(),
            "next_cursor": serializers.CharField(allow_null=True),
            "total": serializers.IntegerField(required=False),
        },
    )


WebhookEndpointListSerializer = _list_of(WebhookEndpointSerializer, "WebhookEndpointList")
WebhookDeliveryListSerializer = _list_of(WebhookDeliverySerializer, "WebhookDeliveryList")
WebhookAttemptListSerializer = _list_of(WebhookAttemptSerializer, "WebhookAttemptList")


# --- Rendering


def endpoint_render(endpoint: WebhookEndpoint, *, live: bool, with_secret: bool = False) -> dict:
    rendered = endpoint.as_public(livemode=live)
    if with_secret:
        rendered["secret"] = endpoint.secret
    return rendered


def endpoint_secret_render(endpoint: WebhookEndpoint) -> dict:
    return {
        "object": "webhook_endpoint_secret",
        "endpoint": endpoint.id,
        "secret": endpoint.secret,
        "previous_secret_expires_at": timestamp_render(endpoint.previous_secret_expires_at)
        if endpoint.previous_secret
        else None,
    }


def delivery_render(delivery: WebhookDelivery, *, live: bool = True) -> dict:
    return {
        "id": delivery.id,
        "object": "webhook_delivery",
        "endpoint": delivery.endpoint_id,
        "event": delivery.event_id,
        "event_type": delivery.event.type,
        "status": delivery.status,
        "attempts": delivery.attempt_count,
        "next_attempt_at": timestamp_render(delivery.next_attempt_at),
        "last_attempt_at": timestamp_render(delivery.last_attempt_at),
        "last_status_code": delivery.last_status_code,
        "last_error": delivery.last_error or None,
        "succeeded_at": timestamp_render(delivery.succeeded_at),
        "created_at": timestamp_render(delivery.created_at),
    }


def recovery_render(endpoint: WebhookEndpoint, *, since, deliveries: int) -> dict:
    return {
        "object": "webhook_recovery",
        "endpoint": endpoint.id,
        "since": timestamp_render(since),
        "deliveries": deliveries,
    }


def attempt_render(attempt: WebhookAttempt, *, live: bool = True) -> dict:
    return {
        "id": attempt.id,
        "object": "webhook_attempt",
        "delivery": attempt.delivery_id,
        "endpoint": attempt.delivery.endpoint_id,
        "event": attempt.delivery.event_id,
        "number": attempt.number,
        "attempted_at": timestamp_render(attempt.attempted_at),
        "url": attempt.url,
        "succeeded": attempt.is_success,
        "status_code": attempt.status_code,
        "latency_ms": attempt.latency_ms,
        "response_body": attempt.response_body,
        "error": attempt.error or None,
    }
