"""REST views of /v1: parse input, call a service or selector, render output. Nothing else.

Key authentication, scopes, limits, metering and the tenant schema come from ``api.bases.ApiView``
(``scope_family`` names the scope a view needs); errors become problem+json in
``api.exceptions``. Business rules live in ``marketplace.services``, reads in
``marketplace.selectors``. Every POST and PATCH honours ``Idempotency-Key``.
"""

from django.db.models import F, QuerySet
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from api.bases import ApiView
from api.idempotency import idempotent
from api.v1 import serializers as io
from api.v1.pagination import Ordering, SortKey, ordering_by, ordering_by_id, paginate
from api.v1.params import (
    CommaSeparatedField,
    ListParams,
    metadata_parameter,
    parse_list_params,
)
from events import selectors as event_selectors
from marketplace import selectors, services
from marketplace.models import (
    DEADLINE_SORT_KEY,
    REWARD_SORT_KEY,
    Application,
    Challenge,
    Message,
)
from marketplace.rendering import (
    application_render,
    challenge_render,
    livemode,
    message_render,
    review_render,
)

# --- Orderings (allow-lists; each has a matching (key, id) index, see marketplace.models).
# Challenges without a deadline or a reward sort as if theirs were the largest possible, i.e.
# last in ascending and first in descending order.

_NEWEST = ordering_by_id("-created_at", descending=True)
_OLDEST = ordering_by_id("created_at", descending=False)
CHALLENGE_ORDERINGS = {
    ordering.name: ordering
    for ordering in (
        _NEWEST,
        _OLDEST,
        *(
            ordering_by(
                f"{'-' if descending else ''}{name}",
                f"{name}_key",
                descending=descending,
                kind=kind,
                expression=expression,
            )
            for name, kind, expression in (
                ("deadline", "datetime", DEADLINE_SORT_KEY),
                ("reward_amount", "int", REWARD_SORT_KEY),
                ("updated_at", "datetime", F("updated_at")),
            )
            for descending in (False, True)
        ),
    )
}
# With ?search= and no explicit ordering: best match first.
SEARCH_RANK = Ordering(
    "relevance",
    (SortKey("rank", descending=True, kind="float"), SortKey("id", descending=True)),
)
DEFAULT_ORDERINGS = {ordering.name: ordering for ordering in (_NEWEST, _OLDEST)}

CHALLENGE_FIELDS = tuple(io.ChallengeSerializer().fields)
APPLICATION_FIELDS = tuple(io.ApplicationSerializer().fields)
MESSAGE_FIELDS = tuple(io.MessageSerializer().fields)
REVIEW_FIELDS = tuple(io.ReviewSerializer().fields)
ALWAYS_INCLUDED = ("id", "object")


def _shape(rendered: dict, fields: list[str] | None) -> dict:
    if not fields:
        return rendered
    wanted = set(fields) | set(ALWAYS_INCLUDED)
    return {name: value for name, value in rendered.items() if name in wanted}


def _list_response(queryset: QuerySet, params: dict, orderings: dict, render) -> Response:
    """Paginate ``queryset`` per ``params`` and render each row with ``render(row, live)``."""
    ordering = params.get("_ordering") or orderings[params["ordering"]]
    page = paginate(
        queryset,
        ordering=ordering,
        limit=params["limit"],
        cursor=params.get("cursor"),
        offset=params.get("offset"),
    )
    live = livemode()
    fields = params.get("fields")
    return Response(page.envelope([_shape(render(row, live=live), fields) for row in page.items]))


def _created(rendered: dict, location: str) -> Response:
    return Response(rendered, status=status.HTTP_201_CREATED, headers={"Location": location})


def _request_id(request) -> str:
    return getattr(request, "request_id", "") or ""


# --- OpenAPI helpers

ID_PARAMETER_DESCRIPTIONS = {
    "challenge_id": "A challenge id (`chl_…`).",
    "application_id": "An application id (`app_…`).",
    "message_id": "A message id (`msg_…`).",
    "review_id": "A review id (`rev_…`).",
    "event_id": "An event id (`evt_…`).",
}


def _path_parameter(name: str) -> OpenApiParameter:
    return OpenApiParameter(
        name, str, OpenApiParameter.PATH, description=ID_PARAMETER_DESCRIPTIONS[name]
    )


CHALLENGE_EXAMPLE = OpenApiExample(
    "A bounty",
    request_only=True,
    value={
        "title": "Fix the flaky login test",
        "summary": "Our CI fails one run in ten on the login test.",
        "category": "bounty",
        "tags": ["testing", "python"],
        "skills": ["pytest"],
        "reward": {"amount": 50000, "currency": "usd"},
        "deadline": "2030-01-31T23:59:59Z",
        "remote": True,
        "max_applications": 20,
        "metadata": {"team": "platform"},
    },
)


# --- Challenges


class ChallengeListParams(ListParams):
    ORDERINGS = tuple(CHALLENGE_ORDERINGS)
    FIELDS = CHALLENGE_FIELDS
    RANGES = {
        "reward_amount": serializers.IntegerField,
        "deadline": serializers.DateTimeField,
        "created_at": serializers.DateTimeField,
    }
    HAS_METADATA = True

    def get_fields(self):
        fields = super().get_fields()
        fields["status"] = CommaSeparatedField(
            choices=Challenge.Status.values, required=False, help_text="One or more statuses."
        )
        fields["category"] = CommaSeparatedField(
            choices=Challenge.Category.values, required=False, help_text="One or more categories."
        )
        fields["tags"] = CommaSeparatedField(
            required=False, help_text="Challenges having all of these tags."
        )
        fields["skills"] = CommaSeparatedField(
            required=False, help_text="Challenges asking for all of these skills."
        )
        fields["currency"] = serializers.RegexField(
            r"^[A-Za-z]{3}$", required=False, help_text="Reward currency (ISO 4217)."
        )
        fields["remote"] = serializers.BooleanField(
            required=False, allow_null=True, default=None, help_text="Remote challenges only."
        )
        fields["search"] = serializers.CharField(
            required=False,
            max_length=200,
            help_text=(
                "Full-text search over title, tags, skills, summary and description (web-search "
                'syntax: `"exact phrase"`, `-excluded`, `or`). Without `ordering`, results come '
                f"best match first. A search call takes {SEARCH_COST} rate-limit tokens."
            ),
        )
        fields["ordering"].required = False
        fields["ordering"].default = None
        fields["ordering"].help_text = (
            "Sort order; a leading `-` sorts descending. Default: newest first (`-created_at`), "
            "or best match first with `search`. No deadline or reward sorts as the largest."
        )
        return fields


# Rate-limit tokens a full-text search takes (ranking touches every match; a page does not).
SEARCH_COST = 3


@extend_schema(tags=["Challenges"])
class ChallengeListView(ApiView):
    scope_family = "challenges"

    def initial(self, request, *args, **kwargs):
        # Weigh the call before the gateway takes its tokens.
        self.cost = SEARCH_COST if request.query_params.get("search") else type(self).cost
        super().initial(request, *args, **kwargs)

    @extend_schema(
        operation_id="challenges_list",
        summary="List challenges",
        parameters=[ChallengeListParams, metadata_parameter()],
        responses=io.ChallengeListSerializer,
    )
    def get(self, request):
        params = parse_list_params(ChallengeListParams, request.query_params)
        search = params.get("search")
        queryset = selectors.challenge_list(
            status=params.get("status"),
            category=params.get("category"),
            tags=[tag.lower() for tag in params.get("tags") or []],
            skills=[skill.lower() for skill in params.get("skills") or []],
            currency=(params.get("currency") or "").lower() or None,
            remote=params.get("remote"),
            reward_amount=params["ranges"].get("reward_amount"),
            deadline=params["ranges"].get("deadline"),
            created_at=params["ranges"].get("created_at"),
            metadata=params["metadata"],
            search=search,
        )
        if params.get("ordering") is None:
            params["_ordering"] = SEARCH_RANK if search else _NEWEST
        return _list_response(queryset, params, CHALLENGE_ORDERINGS, challenge_render)

    @extend_schema(
        operation_id="challenges_create",
        summary="Create a challenge",
        description="Creates a **draft**; publish it to take applications.",
        request=io.ChallengeCreateSerializer,
        responses={201: io.ChallengeSerializer},
        examples=[CHALLENGE_EXAMPLE],
    )
    @idempotent
    def post(self, request):
        body = io.ChallengeCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        challenge = services.challenge_create(
            **body.service_arguments(), request_id=_request_id(request)
        )
        return _created(challenge_render(challenge), f"/v1/challenges/{challenge.id}")


@extend_schema(tags=["Challenges"], parameters=[_path_parameter("challenge_id")])
class ChallengeDetailView(ApiView):
    scope_family = "challenges"

    @extend_schema(
        operation_id="challenges_retrieve",
        summary="Retrieve a challenge",
        responses=io.ChallengeSerializer,
    )
    def get(self, request, challenge_id: str):
        return Response(challenge_render(selectors.challenge_get(challenge_id=challenge_id)))

    @extend_schema(
        operation_id="challenges_update",
        summary="Update a challenge",
        description=(
            "Drafts and open challenges take any field; closed, awarded and cancelled ones only "
            "`metadata` (422 `challenge_not_editable`). Metadata keys merge; a null value "
            "removes a key."
        ),
        request=io.ChallengeUpdateSerializer,
        responses=io.ChallengeSerializer,
    )
    @idempotent
    def patch(self, request, challenge_id: str):
        body = io.ChallengeUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        challenge = services.challenge_update(
            challenge_id=challenge_id,
            changes=body.service_arguments(),
            request_id=_request_id(request),
        )
        return Response(challenge_render(challenge))

    @extend_schema(
        operation_id="challenges_delete",
        summary="Delete a draft challenge",
        description="Only drafts can be deleted (409 otherwise); cancel or close the others.",
        responses=io.DeletedSerializer,
    )
    def delete(self, request, challenge_id: str):
        services.challenge_delete(challenge_id=challenge_id, request_id=_request_id(request))
        return Response({"id": challenge_id, "object": "challenge", "deleted": True})


def _action_view(*, family: str, noun: str, action: str, service, render, summary: str, doc: str):
    """A ``POST /v1/<nouns>/{id}/<action>`` view: one state transition, no body."""
    id_name = f"{noun}_id"

    @extend_schema(tags=[f"{noun.title()}s"], parameters=[_path_parameter(id_name)])
    class ActionView(ApiView):
        scope_family = family

        @extend_schema(
            operation_id=f"{noun}s_{action}",
            summary=summary,
            description=doc,
            request=None,
            responses=io.ChallengeSerializer if noun == "challenge" else io.ApplicationSerializer,
        )
        @idempotent
        def post(self, request, **kwargs):
            changed = service(**{id_name: kwargs[id_name]}, request_id=_request_id(request))
            return Response(render(changed))

    ActionView.__name__ = ActionView.__qualname__ = f"{noun.title()}{action.title()}View"
    return ActionView


ChallengePublishView = _action_view(
    family="challenges",
    noun="challenge",
    action="publish",
    service=services.challenge_publish,
    render=challenge_render,
    summary="Publish a challenge",
    doc="`draft` → `open`: it starts taking applications. Its deadline must be ahead.",
)
ChallengeCloseView = _action_view(
    family="challenges",
    noun="challenge",
    action="close",
    service=services.challenge_close,
    render=challenge_render,
    summary="Close a challenge",
    doc="`open` → `closed`: no more applications.",
)
ChallengeAwardView = _action_view(
    family="challenges",
    noun="challenge",
    action="award",
    service=services.challenge_award,
    render=challenge_render,
    summary="Award a challenge",
    doc="`closed` → `awarded`; at least one application must be accepted.",
)
ChallengeCancelView = _action_view(
    family="challenges",
    noun="challenge",
    action="cancel",
    service=services.challenge_cancel,
    render=challenge_render,
    summary="Cancel a challenge",
    doc="`draft`, `open` or `closed` → `cancelled`.",
)


# --- Applications


class ApplicationListParams(ListParams):
    FIELDS = APPLICATION_FIELDS
    EXPANDABLE = ("challenge",)
    RANGES = {"created_at": serializers.DateTimeField}
    HAS_METADATA = True

    def get_fields(self):
        fields = super().get_fields()
        fields["status"] = CommaSeparatedField(
            choices=Application.Status.values, required=False, help_text="One or more statuses."
        )
        fields["applicant_email"] = serializers.EmailField(required=False)
        fields["applicant_external_id"] = serializers.CharField(required=False, max_length=200)
        return fields


class AllApplicationsListParams(ApplicationListParams):
    def get_fields(self):
        fields = super().get_fields()
        fields["challenge"] = serializers.CharField(
            required=False, max_length=40, help_text="Applications to this challenge only."
        )
        return fields


def _application_list_response(request, params_class, challenge_id: str | None) -> Response:
    params = parse_list_params(params_class, request.query_params)
    queryset = selectors.application_list(
        challenge_id=challenge_id or params.get("challenge"),
        status=params.get("status"),
        applicant_email=params.get("applicant_email"),
        applicant_external_id=params.get("applicant_external_id"),
        created_at=params["ranges"].get("created_at"),
        metadata=params["metadata"],
    )
    render = application_render
    if "challenge" in (params.get("expand") or []):
        queryset = queryset.select_related("challenge").defer("challenge__search_vector")

        def render(application, live):
            return {
                **application_render(application, live=live),
                "challenge": challenge_render(application.challenge, live=live),
            }

    return _list_response(queryset, params, DEFAULT_ORDERINGS, render)


@extend_schema(tags=["Applications"], parameters=[_path_parameter("challenge_id")])
class ChallengeApplicationListView(ApiView):
    scope_family = "applications"

    @extend_schema(
        operation_id="challenge_applications_list",
        summary="List a challenge's applications",
        parameters=[ApplicationListParams, metadata_parameter()],
        responses=io.ApplicationListSerializer,
    )
    def get(self, request, challenge_id: str):
        selectors.challenge_exists_or_404(challenge_id=challenge_id)
        return _application_list_response(request, ApplicationListParams, challenge_id)

    @extend_schema(
        operation_id="challenge_applications_create",
        summary="Submit an application",
        description=(
            "The challenge must be `open` (422 `challenge_not_open`), before its deadline "
            "(422 `deadline_passed`) and below `max_applications` (422 "
            "`max_applications_reached`); one application per applicant email (409 "
            "`duplicate_application`)."
        ),
        request=io.ApplicationCreateSerializer,
        responses={201: io.ApplicationSerializer},
        examples=[
            OpenApiExample(
                "An application",
                request_only=True,
                value={
                    "applicant": {
                        "name": "Ada Lovelace",
                        "email": "ada@example.com",
                        "external_id": "user_42",
                    },
                    "pitch": "I fixed the same race in our CI last year.",
                    "links": ["https://github.com/ada"],
                },
            )
        ],
    )
    @idempotent
    def post(self, request, challenge_id: str):
        body = io.ApplicationCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        application = services.application_submit(
            challenge_id=challenge_id, **body.service_arguments(), request_id=_request_id(request)
        )
        return _created(application_render(application), f"/v1/applications/{application.id}")


@extend_schema(tags=["Applications"])
class ApplicationListView(ApiView):
    scope_family = "applications"

    @extend_schema(
        operation_id="applications_list",
        summary="List applications",
        parameters=[AllApplicationsListParams, metadata_parameter()],
        responses=io.ApplicationListSerializer,
    )
    def get(self, request):
        return _application_list_response(request, AllApplicationsListParams, None)


def _expand_parameter(choices: tuple[str, ...]) -> OpenApiParameter:
    return OpenApiParameter(
        "expand",
        {"type": "array", "items": {"type": "string", "enum": list(choices)}},
        OpenApiParameter.QUERY,
        description="Inline these related objects instead of their ids.",
    )


def _retrieve_expand(request, choices: tuple[str, ...]) -> list[str]:
    unknown = [key for key in request.query_params if key != "expand"]
    expand = [
        item
        for value in request.query_params.getlist("expand")
        for item in value.split(",")
        if item
    ]
    errors = {key: ["Unknown query parameter."] for key in unknown[:20]}
    bad = [item for item in expand if item not in choices]
    if bad:
        errors["expand"] = [f"{bad[0]!r} is not one of: {', '.join(choices) or 'nothing'}."]
    if errors:
        raise serializers.ValidationError(errors)
    return expand


@extend_schema(tags=["Applications"], parameters=[_path_parameter("application_id")])
class ApplicationDetailView(ApiView):
    scope_family = "applications"

    @extend_schema(
        operation_id="applications_retrieve",
        summary="Retrieve an application",
        parameters=[_expand_parameter(("challenge",))],
        responses=io.ApplicationSerializer,
    )
    def get(self, request, application_id: str):
        expand = _retrieve_expand(request, ("challenge",))
        application = selectors.application_get(application_id=application_id)
        rendered = application_render(application)
        if "challenge" in expand:
            rendered["challenge"] = challenge_render(
                selectors.challenge_get(challenge_id=application.challenge_id)
            )
        return Response(rendered)

    @extend_schema(
        operation_id="applications_update",
        summary="Update an application",
        description=(
            "`score` and `metadata` at any time; `pitch` and `links` only while `submitted` "
            "(422 `application_not_editable`)."
        ),
        request=io.ApplicationUpdateSerializer,
        responses=io.ApplicationSerializer,
    )
    @idempotent
    def patch(self, request, application_id: str):
        body = io.ApplicationUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        application = services.application_update(
            application_id=application_id,
            changes=dict(body.validated_data),
            request_id=_request_id(request),
        )
        return Response(application_render(application))


ApplicationShortlistView = _action_view(
    family="applications",
    noun="application",
    action="shortlist",
    service=services.application_shortlist,
    render=application_render,
    summary="Shortlist an application",
    doc="`submitted` → `shortlisted`.",
)
ApplicationAcceptView = _action_view(
    family="applications",
    noun="application",
    action="accept",
    service=services.application_accept,
    render=application_render,
    summary="Accept an application",
    doc="`shortlisted` → `accepted`; the challenge must be `open` or `closed`.",
)
ApplicationRejectView = _action_view(
    family="applications",
    noun="application",
    action="reject",
    service=services.application_reject,
    render=application_render,
    summary="Reject an application",
    doc="`submitted` or `shortlisted` → `rejected`.",
)
ApplicationWithdrawView = _action_view(
    family="applications",
    noun="application",
    action="withdraw",
    service=services.application_withdraw,
    render=application_render,
    summary="Withdraw an application",
    doc="`submitted` or `shortlisted` → `withdrawn`; frees its place under `max_applications`.",
)


# --- Messages


class MessageListParams(ListParams):
    FIELDS = MESSAGE_FIELDS
    EXPANDABLE = ("application",)

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


def _with_application(render):
    def expanded(row, live):
        return {
            **render(row, live=live),
            "application": application_render(row.application, live=live),
        }

    return expanded


def _message_list_response(request, params_class, application_id: str | None) -> Response:
    params = parse_list_params(params_class, request.query_params)
    queryset = selectors.message_list(
        application_id=application_id or params.get("application"), author=params.get("author")
    )
    render = message_render
    if "application" in (params.get("expand") or []):
        queryset = queryset.select_related("application")
        render = _with_application(message_render)
    return _list_response(queryset, params, DEFAULT_ORDERINGS, render)


@extend_schema(tags=["Messages"], parameters=[_path_parameter("application_id")])
class ApplicationMessageListView(ApiView):
    scope_family = "messages"

    @extend_schema(
        operation_id="application_messages_list",
        summary="List an application's messages",
        parameters=[MessageListParams],
        responses=io.MessageListSerializer,
    )
    def get(self, request, application_id: str):
        selectors.application_get(application_id=application_id)
        return _message_list_response(request, MessageListParams, application_id)

    @extend_schema(
        operation_id="application_messages_create",
        summary="Post a message on an application",
        description="Withdrawn applications take no messages (422 `application_withdrawn`).",
        request=io.MessageCreateSerializer,
        responses={201: io.MessageSerializer},
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
        body = io.MessageCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        message = services.message_create(
            application_id=application_id, **body.validated_data, request_id=_request_id(request)
        )
        return _created(message_render(message), f"/v1/messages/{message.id}")


@extend_schema(tags=["Messages"])
class MessageListView(ApiView):
    scope_family = "messages"

    @extend_schema(
        operation_id="messages_list",
        summary="List messages",
        parameters=[AllMessagesListParams],
        responses=io.MessageListSerializer,
    )
    def get(self, request):
        return _message_list_response(request, AllMessagesListParams, None)


@extend_schema(tags=["Messages"], parameters=[_path_parameter("message_id")])
class MessageDetailView(ApiView):
    scope_family = "messages"

    @extend_schema(
        operation_id="messages_retrieve",
        summary="Retrieve a message",
        parameters=[_expand_parameter(("application",))],
        responses=io.MessageSerializer,
    )
    def get(self, request, message_id: str):
        expand = _retrieve_expand(request, ("application",))
        message = selectors.message_get(message_id=message_id)
        if "application" in expand:
            return Response(_with_application(message_render)(message, livemode()))
        return Response(message_render(message))


# --- Reviews


class ReviewListParams(ListParams):
    FIELDS = REVIEW_FIELDS
    EXPANDABLE = ("application",)

    def get_fields(self):
        fields = super().get_fields()
        fields["application"] = serializers.CharField(
            required=False, max_length=40, help_text="The review of this application."
        )
        fields["challenge"] = serializers.CharField(
            required=False, max_length=40, help_text="Reviews of this challenge's applications."
        )
        return fields


@extend_schema(tags=["Reviews"])
class ReviewListView(ApiView):
    scope_family = "reviews"

    @extend_schema(
        operation_id="reviews_list",
        summary="List reviews",
        parameters=[ReviewListParams],
        responses=io.ReviewListSerializer,
    )
    def get(self, request):
        params = parse_list_params(ReviewListParams, request.query_params)
        queryset = selectors.review_list(
            application_id=params.get("application"), challenge_id=params.get("challenge")
        )
        render = review_render
        if "application" in (params.get("expand") or []):
            queryset = queryset.select_related("application")
            render = _with_application(review_render)
        return _list_response(queryset, params, DEFAULT_ORDERINGS, render)

    @extend_schema(
        operation_id="reviews_create",
        summary="Review an application",
        description=(
            "Only accepted applications (422 `application_not_accepted`), once each (409 "
            "`review_exists`)."
        ),
        request=io.ReviewCreateSerializer,
        responses={201: io.ReviewSerializer},
        examples=[
            OpenApiExample(
                "Five stars",
                request_only=True,
                value={"application": "app_01JD3Z…", "rating": 5, "comment": "Superb work."},
            )
        ],
    )
    @idempotent
    def post(self, request):
        body = io.ReviewCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        review = services.review_create(
            application_id=data["application"],
            rating=data["rating"],
            comment=data.get("comment", ""),
            request_id=_request_id(request),
        )
        return _created(review_render(review), f"/v1/reviews/{review.id}")


@extend_schema(tags=["Reviews"], parameters=[_path_parameter("review_id")])
class ReviewDetailView(ApiView):
    scope_family = "reviews"

    @extend_schema(
        operation_id="reviews_retrieve",
        summary="Retrieve a review",
        parameters=[_expand_parameter(("application",))],
        responses=io.ReviewSerializer,
    )
    def get(self, request, review_id: str):
        expand = _retrieve_expand(request, ("application",))
        review = selectors.review_get(review_id=review_id)
        if "application" in expand:
            return Response(_with_application(review_render)(review, livemode()))
        return Response(review_render(review))


# --- Events


class EventListParams(ListParams):
    RANGES = {"created_at": serializers.DateTimeField}

    def get_fields(self):
        fields = super().get_fields()
        fields["type"] = CommaSeparatedField(
            required=False,
            max_item_length=100,
            help_text="One or more event types; `challenge.*` matches a whole family.",
        )
        return fields


@extend_schema(tags=["Events"])
class EventListView(ApiView):
    scope_family = "events"

    @extend_schema(
        operation_id="events_list",
        summary="List events",
        description=(
            "Every state change, newest first: `challenge.created`, `challenge.updated`, "
            "`challenge.published`, `challenge.closed`, `challenge.awarded`, "
            "`challenge.cancelled`, `challenge.deleted`, `application.submitted`, "
            "`application.updated`, `application.status_changed`, `message.created`, "
            "`review.created`."
        ),
        parameters=[EventListParams],
        responses=io.EventListSerializer,
    )
    def get(self, request):
        params = parse_list_params(EventListParams, request.query_params)
        queryset = event_selectors.event_list_filtered(
            types=params.get("type"), created_at=params["ranges"].get("created_at")
        )
        return _list_response(
            queryset, params, DEFAULT_ORDERINGS, lambda event, live: event.as_payload()
        )


@extend_schema(tags=["Events"], parameters=[_path_parameter("event_id")])
class EventDetailView(ApiView):
    scope_family = "events"

    @extend_schema(
        operation_id="events_retrieve", summary="Retrieve an event", responses=io.EventSerializer
    )
    def get(self, request, event_id: str):
        return Response(event_selectors.event_get(event_id=event_id).as_payload())
