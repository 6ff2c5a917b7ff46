"""/v1 challenges: list (filters, full-text search), create, retrieve, update, delete and the
state actions (publish, close, award, cancel). Thin: parse, call ``marketplace.selectors`` or
``marketplace.services``, render with ``marketplace.rendering`` (shared helpers:
``api.v1.common``). Scopes: ``challenges:read`` for GET, ``challenges:write`` for the rest."""

from django.db.models import F
from django.urls import path
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers

from api.bases import ApiView
from api.idempotency import idempotent
from api.responses import Response
from api.v1 import serializers as io
from api.v1.common import (
    NEWEST_FIRST,
    OLDEST_FIRST,
    ObjectParams,
    ShapedListParams,
    action_views,
    list_response,
    object_response,
    object_response_schema,
    object_shape,
    ordering_table,
    path_parameter,
    shaped_params,
)
from api.v1.pagination import Ordering, SortKey, ordering_by
from api.v1.params import CommaSeparatedField, metadata_parameter
from marketplace import selectors, services
from marketplace.models import DEADLINE_SORT_KEY, REWARD_SORT_KEY, Challenge
from marketplace.rendering import challenge_render

# Allow-listed orderings, each with a matching (key, id) index (see marketplace.models).
# Challenges without a deadline or a reward sort as if theirs were the largest possible, i.e.
# last in ascending and first in descending order.
CHALLENGE_ORDERINGS = ordering_table(
    NEWEST_FIRST,
    OLDEST_FIRST,
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
# With ?search= and no explicit ordering: best match first.
SEARCH_RANK = Ordering(
    "relevance",
    (SortKey("rank", descending=True, kind="float"), SortKey("id", descending=True)),
)
# Rate-limit tokens a full-text search takes (ranking touches every match; a page does not).
SEARCH_COST = 3

CHALLENGE_FIELDS = tuple(io.ChallengeSerializer().fields)
CHALLENGE_RESPONSE = object_response_schema(io.ChallengeSerializer, io.ChallengeListSerializer)

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


class ChallengeParams(ObjectParams):
    FIELDS = CHALLENGE_FIELDS


class ChallengeListParams(ShapedListParams):
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


class ChallengeView(ApiView):
    scope_family = "challenges"


@extend_schema(tags=["Challenges"])
class ChallengeListView(ChallengeView):
    is_response_cached = True

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
        params, shape = shaped_params(request, ChallengeListParams)
        search = params.get("search")
        challenges = selectors.challenge_list(
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
        ordering = None  # the one named in the query
        if params.get("ordering") is None:
            ordering = SEARCH_RANK if search else NEWEST_FIRST
        return list_response(
            request,
            challenges,
            params,
            orderings=CHALLENGE_ORDERINGS,
            render=challenge_render,
            shape=shape,
            ordering=ordering,
        )

    @extend_schema(
        operation_id="challenges_create",
        summary="Create a challenge",
        description="Creates a **draft**; publish it to take applications.",
        parameters=[ChallengeParams],
        request=io.ChallengeCreateSerializer,
        responses={201: CHALLENGE_RESPONSE},
        examples=[CHALLENGE_EXAMPLE],
    )
    @idempotent
    def post(self, request):
        shape = object_shape(request, ChallengeParams)
        body = io.ChallengeCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        challenge = services.challenge_create(**body.service_arguments())
        return object_response(
            challenge_render(challenge), shape, location=f"/v1/challenges/{challenge.id}"
        )


@extend_schema(tags=["Challenges"], parameters=[path_parameter("challenge_id")])
class ChallengeDetailView(ChallengeView):
    is_response_cached = True

    @extend_schema(
        operation_id="challenges_retrieve",
        summary="Retrieve a challenge",
        parameters=[ChallengeParams],
        responses=CHALLENGE_RESPONSE,
    )
    def get(self, request, challenge_id: str):
        shape = object_shape(request, ChallengeParams)
        challenge = selectors.challenge_get(challenge_id=challenge_id)
        return object_response(challenge_render(challenge), shape)

    @extend_schema(
        operation_id="challenges_update",
        summary="Update a challenge",
        description=(
            "Drafts and open challenges take any field; closed, awarded and cancelled ones only "
            "`metadata` (422 `challenge_not_editable`). Metadata keys merge; a null value "
            "removes a key."
        ),
        parameters=[ChallengeParams],
        request=io.ChallengeUpdateSerializer,
        responses=CHALLENGE_RESPONSE,
    )
    @idempotent
    def patch(self, request, challenge_id: str):
        shape = object_shape(request, ChallengeParams)
        body = io.ChallengeUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        challenge = services.challenge_update(
            challenge_id=challenge_id,
            changes=body.service_arguments(),
        )
        return object_response(challenge_render(challenge), shape)

    @extend_schema(
        operation_id="challenges_delete",
        summary="Delete a draft challenge",
        description="Only drafts can be deleted (409 otherwise); cancel or close the others.",
        responses={200: io.DeletedSerializer},
    )
    def delete(self, request, challenge_id: str):
        services.challenge_delete(challenge_id=challenge_id)
        return Response({"id": challenge_id, "object": "challenge", "deleted": True})


ChallengePublishView, ChallengeCloseView, ChallengeAwardView, ChallengeCancelView = action_views(
    family="challenges",
    noun="challenge",
    render=challenge_render,
    params=ChallengeParams,
    response=CHALLENGE_RESPONSE,
    actions=(
        (
            "publish",
            services.challenge_publish,
            "Publish a challenge",
            "`draft` → `open`: it starts taking applications. Its deadline must be ahead.",
        ),
        (
            "close",
            services.challenge_close,
            "Close a challenge",
            "`open` → `closed`: no more applications.",
        ),
        (
            "award",
            services.challenge_award,
            "Award a challenge",
            "`closed` → `awarded`; at least one application must be accepted.",
        ),
        (
            "cancel",
            services.challenge_cancel,
            "Cancel a challenge",
            "`draft`, `open` or `closed` → `cancelled`.",
        ),
    ),
)

# Mounted at /v1/ by api.v1.urls.
urlpatterns = [
    path("challenges", ChallengeListView.as_view(), name="v1-challenges"),
    path("challenges/<str:challenge_id>", ChallengeDetailView.as_view(), name="v1-challenge"),
    path("challenges/<str:challenge_id>/publish", ChallengePublishView.as_view()),
    path("challenges/<str:challenge_id>/close", ChallengeCloseView.as_view()),
    path("challenges/<str:challenge_id>/award", ChallengeAwardView.as_view()),
    path("challenges/<str:challenge_id>/cancel", ChallengeCancelView.as_view()),
]
