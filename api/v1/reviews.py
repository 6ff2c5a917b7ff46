"""/v1 reviews: review an accepted application, list, retrieve. Thin: parse, call
``marketplace.selectors`` or ``marketplace.services``, render with ``marketplace.rendering``
(shared helpers: ``api.v1.common``). Scopes: ``reviews:read`` for GET, ``reviews:write`` to
review; ``expand=application`` also needs ``applications:read``."""

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
from marketplace.rendering import review_render

REVIEW_ORDERINGS = ordering_table(NEWEST_FIRST, OLDEST_FIRST)
# Related objects ``expand`` can inline → the scope family of the object each one reveals.
REVIEW_EXPANSIONS = {"application": "applications"}
REVIEW_FIELDS = tuple(io.ReviewSerializer().fields)
REVIEW_RESPONSE = object_response_schema(io.ReviewSerializer, io.ReviewListSerializer)


class ReviewParams(ObjectParams):
    FIELDS = REVIEW_FIELDS


class ExpandableReviewParams(ReviewParams):
    EXPANSIONS = REVIEW_EXPANSIONS


class ReviewListParams(ShapedListParams):
    ORDERINGS = tuple(REVIEW_ORDERINGS)
    FIELDS = REVIEW_FIELDS
    EXPANSIONS = REVIEW_EXPANSIONS

    def get_fields(self):
        fields = super().get_fields()
        fields["application"] = serializers.CharField(
            required=False, max_length=40, help_text="The review of this application."
        )
        fields["challenge"] = serializers.CharField(
            required=False, max_length=40, help_text="Reviews of this challenge's applications."
        )
        return fields


class ReviewView(ApiView):
    scope_family = "reviews"


@extend_schema(tags=["Reviews"])
class ReviewListView(ReviewView):
    is_response_cached = True

    @extend_schema(
        operation_id="reviews_list",
        summary="List reviews",
        parameters=[ReviewListParams],
        responses=io.ReviewListSerializer,
    )
    def get(self, request):
        params, shape = shaped_params(request, ReviewListParams)
        reviews = selectors.review_list(
            application_id=params.get("application"),
            challenge_id=params.get("challenge"),
            expand=shape.expand,
        )
        return list_response(
            request,
            reviews,
            params,
            orderings=REVIEW_ORDERINGS,
            render=expanded(review_render, shape),
            shape=shape,
        )

    @extend_schema(
        operation_id="reviews_create",
        summary="Review an application",
        description=(
            "Only accepted applications (422 `application_not_accepted`), once each (409 "
            "`review_exists`)."
        ),
        parameters=[ReviewParams],
        request=io.ReviewCreateSerializer,
        responses={201: REVIEW_RESPONSE},
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
        shape = object_shape(request, ReviewParams)
        body = io.ReviewCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        review = services.review_create(
            application_id=data["application"],
            rating=data["rating"],
            comment=data.get("comment", ""),
        )
        return object_response(review_render(review), shape, location=f"/v1/reviews/{review.id}")


@extend_schema(tags=["Reviews"], parameters=[path_parameter("review_id")])
class ReviewDetailView(ReviewView):
    is_response_cached = True

    @extend_schema(
        operation_id="reviews_retrieve",
        summary="Retrieve a review",
        parameters=[ExpandableReviewParams],
        responses=REVIEW_RESPONSE,
    )
    def get(self, request, review_id: str):
        shape = object_shape(request, ExpandableReviewParams)
        review = selectors.review_get(review_id=review_id, expand=shape.expand)
        return object_response(review_render(review, expand=shape.expand), shape)


# Mounted at /v1/ by api.v1.urls.
urlpatterns = [
    path("reviews", ReviewListView.as_view(), name="v1-reviews"),
    path("reviews/<str:review_id>", ReviewDetailView.as_view(), name="v1-review"),
]
