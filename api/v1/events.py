"""/v1 events (read-only): list the outbox, newest first, by type pattern and time; retrieve
one. Thin: parse, call ``events.selectors``, render the event's payload (shared helpers:
``api.v1.common``).

Scope: ``events:read``, and — since an event carries the object it is about — the read scope of
that object's family (``apikeys.scopes.event_scope_required``): a list holds only the events the
key may read, a retrieve of another one is 403 ``insufficient_scope`` naming the scope."""

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers

from api.bases import ApiView
from api.gateway import scope_check
from api.v1 import serializers as io
from api.v1.common import (
    NEWEST_FIRST,
    OLDEST_FIRST,
    Shape,
    ShapedListParams,
    list_response,
    object_response,
    ordering_table,
    path_parameter,
    shaped_params,
)
from api.v1.params import CommaSeparatedField
from apikeys.scopes import event_scope_required, event_types_readable
from events import selectors

EVENT_ORDERINGS = ordering_table(NEWEST_FIRST, OLDEST_FIRST)


def event_render(event, *, live: bool | None = None) -> dict:
    # An event carries its own livemode, fixed when it was written.
    return event.as_payload()


class EventListParams(ShapedListParams):
    ORDERINGS = tuple(EVENT_ORDERINGS)
    RANGES = {"created_at": serializers.DateTimeField}

    def get_fields(self):
        fields = super().get_fields()
        fields["type"] = CommaSeparatedField(
            required=False,
            max_item_length=100,
            help_text="One or more event types; `challenge.*` matches a whole family.",
        )
        return fields


class EventView(ApiView):
    scope_family = "events"


@extend_schema(tags=["Events"])
class EventListView(EventView):
    is_response_cached = True

    @extend_schema(
        operation_id="events_list",
        summary="List events",
        description=(
            "Every state change, newest first: `challenge.created`, `challenge.updated`, "
            "`challenge.published`, `challenge.closed`, `challenge.awarded`, "
            "`challenge.cancelled`, `challenge.deleted`, `application.submitted`, "
            "`application.updated`, `application.status_changed`, `message.created`, "
            "`review.created`. A key sees the events of the families it may read: "
            "`challenge.*` needs `challenges:read`, `application.*` `applications:read`, "
            "`message.*` `messages:read`, `review.*` `reviews:read`, `webhook_endpoint.*` and "
            "`ping` `webhooks:read` (besides `events:read`)."
        ),
        parameters=[EventListParams],
        responses=io.EventListSerializer,
    )
    def get(self, request):
        params, shape = shaped_params(request, EventListParams)
        events = selectors.event_list_filtered(
            types=params.get("type"),
            created_at=params["ranges"].get("created_at"),
            families=event_types_readable(request.api_key.scopes),
        )
        return list_response(
            request,
            events,
            params,
            orderings=EVENT_ORDERINGS,
            render=event_render,
            shape=shape,
        )


@extend_schema(tags=["Events"], parameters=[path_parameter("event_id")])
class EventDetailView(EventView):
    is_response_cached = True

    @extend_schema(
        operation_id="events_retrieve", summary="Retrieve an event", responses=io.EventSerializer
    )
    def get(self, request, event_id: str):
        # Events take no shaping parameters (their list neither), and none is read here.
        event = selectors.event_get(event_id=event_id)
        scope_check(request.api_key, required=event_scope_required(event.type))
        return object_response(event_render(event), Shape())


# Mounted at /v1/ by api.v1.urls.
urlpatterns = [
    path("events", EventListView.as_view(), name="v1-events"),
    path("events/<str:event_id>", EventDetailView.as_view(), name="v1-event"),
]
