"""/v1 applications: submit (nested under a challenge), list (all, or a challenge's), retrieve,
update and the state actions (shortlist, accept, reject, withdraw). Thin: parse, call
``marketplace.selectors`` or ``marketplace.services``, render with ``marketplace.rendering``
(shared helpers: ``api.v1.common``). Scopes: ``applications:read`` for GET,
``applications:write`` for the rest; ``expand=challenge`` also needs ``challenges:read``."""

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
    action_views,
    expanded,
    list_response,
    object_response,
    object_response_schema,
    object_shape,
    ordering_table,
    path_parameter,
    shaped_params,
)
from api.v1.params import CommaSeparatedField, metadata_parameter
from marketplace import selectors, services
from marketplace.models import Application
from marketplace.rendering import application_render

APPLICATION_ORDERINGS = ordering_table(NEWEST_FIRST, OLDEST_FIRST)
# Related objects ``expand`` can inline → the scope family of the object each one reveals.
APPLICATION_EXPANSIONS = {"challenge": "challenges"}
APPLICATION_FIELDS = tuple(io.ApplicationSerializer().fields)
APPLICATION_RESPONSE = object_response_schema(
    io.ApplicationSerializer, io.ApplicationListSerializer
)


class ApplicationParams(ObjectParams):
    FIELDS = APPLICATION_FIELDS


class ExpandableApplicationParams(ApplicationParams):
    EXPANSIONS = APPLICATION_EXPANSIONS


class ApplicationListParams(ShapedListParams):
    ORDERINGS = tuple(APPLICATION_ORDERINGS)
    FIELDS = APPLICATION_FIELDS
    EXPANSIONS = APPLICATION_EXPANSIONS
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


def _application_list_response(request, params_class, challenge_id: str | None):
    """The applications of challenge ``challenge_id`` (404 unless it exists), or all of them."""
    params, shape = shaped_params(request, params_class)
    if challenge_id is not None:
        selectors.challenge_get(challenge_id=challenge_id)
    applications = selectors.application_list(
        challenge_id=challenge_id or params.get("challenge"),
        status=params.get("status"),
        applicant_email=params.get("applicant_email"),
        applicant_external_id=params.get("applicant_external_id"),
        created_at=params["ranges"].get("created_at"),
        metadata=params["metadata"],
        expand=shape.expand,
    )
    return list_response(
        request,
        applications,
        params,
        orderings=APPLICATION_ORDERINGS,
        render=expanded(application_render, shape),
        shape=shape,
    )


class ApplicationView(ApiView):
    scope_family = "applications"


@extend_schema(tags=["Applications"], parameters=[path_parameter("challenge_id")])
class ChallengeApplicationListView(ApplicationView):
    is_response_cached = True

    @extend_schema(
        operation_id="challenge_applications_list",
        summary="List a challenge's applications",
        parameters=[ApplicationListParams, metadata_parameter()],
        responses=io.ApplicationListSerializer,
    )
    def get(self, request, challenge_id: str):
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
        parameters=[ApplicationParams],
        request=io.ApplicationCreateSerializer,
        responses={201: APPLICATION_RESPONSE},
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
        shape = object_shape(request, ApplicationParams)
        body = io.ApplicationCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        application = services.application_submit(
            challenge_id=challenge_id, **body.service_arguments()
        )
        return object_response(
            application_render(application), shape, location=f"/v1/applications/{application.id}"
        )


@extend_schema(tags=["Applications"])
class ApplicationListView(ApplicationView):
    is_response_cached = True

    @extend_schema(
        operation_id="applications_list",
        summary="List applications",
        parameters=[AllApplicationsListParams, metadata_parameter()],
        responses=io.ApplicationListSerializer,
    )
    def get(self, request):
        return _application_list_response(request, AllApplicationsListParams, None)


@extend_schema(tags=["Applications"], parameters=[path_parameter("application_id")])
class ApplicationDetailView(ApplicationView):
    is_response_cached = True

    @extend_schema(
        operation_id="applications_retrieve",
        summary="Retrieve an application",
        parameters=[ExpandableApplicationParams],
        responses=APPLICATION_RESPONSE,
    )
    def get(self, request, application_id: str):
        shape = object_shape(request, ExpandableApplicationParams)
        application = selectors.application_get(application_id=application_id, expand=shape.expand)
        return object_response(application_render(application, expand=shape.expand), shape)

    @extend_schema(
        operation_id="applications_update",
        summary="Update an application",
        description=(
            "`score` and `metadata` at any time; `pitch` and `links` only while `submitted` "
            "(422 `application_not_editable`)."
        ),
        parameters=[ApplicationParams],
        request=io.ApplicationUpdateSerializer,
        responses=APPLICATION_RESPONSE,
    )
    @idempotent
    def patch(self, request, application_id: str):
        shape = object_shape(request, ApplicationParams)
        body = io.ApplicationUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        application = services.application_update(
            application_id=application_id,
            changes=dict(body.validated_data),
        )
        return object_response(application_render(application), shape)


ApplicationShortlistView, ApplicationAcceptView, ApplicationRejectView, ApplicationWithdrawView = (
    action_views(
        family="applications",
        noun="application",
        render=application_render,
        params=ApplicationParams,
        response=APPLICATION_RESPONSE,
        actions=(
            (
                "shortlist",
                services.application_shortlist,
                "Shortlist an application",
                "`submitted` → `shortlisted`.",
            ),
            (
                "accept",
                services.application_accept,
                "Accept an application",
                "`shortlisted` → `accepted`; the challenge must be `open` or `closed`.",
            ),
            (
                "reject",
                services.application_reject,
                "Reject an application",
                "`submitted` or `shortlisted` → `rejected`.",
            ),
            (
                "withdraw",
                services.application_withdraw,
                "Withdraw an application",
                "`submitted` or `shortlisted` → `withdrawn`; "
                "frees its place under `max_applications`.",
            ),
        ),
    )
)

# Mounted at /v1/ by api.v1.urls.
urlpatterns = [
    path(
        "challenges/<str:challenge_id>/applications",
        ChallengeApplicationListView.as_view(),
        name="v1-challenge-applications",
    ),
    path("applications", ApplicationListView.as_view(), name="v1-applications"),
    path(
        "applications/<str:application_id>",
        ApplicationDetailView.as_view(),
        name="v1-application",
    ),
    path("applications/<str:application_id>/shortlist", ApplicationShortlistView.as_view()),
    path("applications/<str:application_id>/accept", ApplicationAcceptView.as_view()),
    path("applications/<str:application_id>/reject", ApplicationRejectView.as_view()),
    path("applications/<str:application_id>/withdraw", ApplicationWithdrawView.as_view()),
]
