"""/v1 messages: post and list an application's messages, list all, retrieve one. Thin: parse,
call ``marketplace.selectors`` or ``marketplace.services``, render with ``marketplace.rendering``
(shared helpers: ``api.v1.common``). Scopes: ``messages:read`` for GET, ``messages:write`` to
post; ``expand=application`` also needs ``applications:read`` (an application carries the
applicant's email)."""

from django.urls import path
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers

from api.bases import ApiView
from api.idempotency import idempotent
from api.v1 import serializers as io
from api.v1.common import (
    NEWEST_FIRST,
    OLDEST_FIRST,
    ObjectParams,
    ShapedListParams,
    expanded,
    list_response,
    object_response,
    object_response_schema,
    object_shape,
    ordering_table,
    path_parameter,
    shaped_params,
)
from marketplace import selectors, services
from marketplace.models import Message
from marketplace.rendering import message_render

MESSAGE_ORDERINGS = ordering_table(NEWEST_FIRST, OLDEST_FIRST)
# Related objects ``expand`` can inline → the scope family of the object each one reveals.
MESSAGE_EXPANSIONS = {"application": "applications"}
MESSAGE_FIELDS = tuple(io.MessageSerializer().fields)
MESSAGE_RESPONSE = object_response_schema(io.MessageSerializer, io.MessageListSerializer)


class MessageParams(ObjectParams):
    FIELDS = MESSAGE_FIELDS


class ExpandableMessageParams(MessageParams):
    EXPANSIONS = MESSAGE_EXPANSIONS


class MessageListParams(ShapedListParams):
    ORDERINGS = tuple(MESSAGE_ORDERINGS)
    FIELDS = MESSAGE_FIELDS
    EXPANSIONS = MESSAGE_EXPANSIONS

    def get_fields(self):
        fields = super().get_fields()
        fields["author"] = serializers.ChoiceField(
            choices=Message.Author.values, required=False, help_text="Messages of one side."
        )
        return fields


class AllMessagesListParams(MessageListParams):
    def get_fields(self):
        fields = super().get_fields()
        fields["application"] = serializers.CharField(
            required=False, max_length=40, help_text="Messages on this application only."
        )
        return fields


def _message_list_response(request, params_class, application_id: str | None):
    """The messages of application ``application_id`` (404 unless it exists), or all of them."""
    params, shape = shaped_params(request, params_class)
    if application_id is not None:
        selectors.application_get(application_id=application_id)
    messages = selectors.message_list(
        application_id=application_id or params.get("application"),
        author=params.get("author"),
        expand=shape.expand,
    )
    return list_response(
        request,
        messages,
        params,
        orderings=MESSAGE_ORDERINGS,
        render=expanded(message_render, shape),
        shape=shape,
    )


class MessageView(ApiView):
    scope_family = "messages"


@extend_schema(tags=["Messages"], parameters=[path_parameter("application_id")])
class ApplicationMessageListView(MessageView):
    is_response_cached = True

    @extend_schema(
        operation_id="application_messages_list",
        summary="List an application's messages",
        parameters=[MessageListParams],
        responses=io.MessageListSerializer,
    )
    def get(self, request, application_id: str):
        return _message_list_response(request, MessageListParams, application_id)

    @extend_schema(
        operation_id="application_messages_create",
        summary="Post a message on an application",
        description="Withdrawn applications take no messages (422 `application_withdrawn`).",
        parameters=[MessageParams],
        request=io.MessageCreateSerializer,
        responses={201: MESSAGE_RESPONSE},
        examples=[
            OpenApiExample(
                "From the organisation",
                request_only=True,
                value={"author": "organisation", "body": "Could you share a demo?"},
            )
        ],
    )
    @idempotent
    def post(self, request, application_id: str):
        shape = object_shape(request, MessageParams)
        body = io.MessageCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        message = services.message_create(application_id=application_id, **body.validated_data)
        return object_response(
            message_render(message), shape, location=f"/v1/messages/{message.id}"
        )


@extend_schema(tags=["Messages"])
class MessageListView(MessageView):
    is_response_cached = True

    @extend_schema(
        operation_id="messages_list",
        summary="List messages",
        parameters=[AllMessagesListParams],
        responses=io.MessageListSerializer,
    )
    def get(self, request):
        return _message_list_response(request, AllMessagesListParams, None)


@extend_schema(tags=["Messages"], parameters=[path_parameter("message_id")])
class MessageDetailView(MessageView):
    is_response_cached = True

    @extend_schema(
        operation_id="messages_retrieve",
        summary="Retrieve a message",
        parameters=[ExpandableMessageParams],
        responses=MESSAGE_RESPONSE,
    )
    def get(self, request, message_id: str):
        shape = object_shape(request, ExpandableMessageParams)
        message = selectors.message_get(message_id=message_id, expand=shape.expand)
        return object_response(message_render(message, expand=shape.expand), shape)


# Mounted at /v1/ by api.v1.urls.
urlpatterns = [
    path(
        "applications/<str:application_id>/messages",
        ApplicationMessageListView.as_view(),
        name="v1-application-messages",
    ),
    path("messages", MessageListView.as_view(), name="v1-messages"),
    path("messages/<str:message_id>", MessageDetailView.as_view(), name="v1-message"),
]
