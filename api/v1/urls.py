"""Routes of the marketplace REST API, mounted at /v1/ by ``api.urls`` (tenant hosts and the
shared API host). Ids in paths are the public prefixed ids."""

from django.urls import include, path

from api.v1 import views
from api.v1.batch import BatchView
from api.v1.docs import OpenApiView

urlpatterns = [
    path("openapi.json", OpenApiView.as_view(), name="v1-openapi"),
    path("batch", BatchView.as_view(), name="v1-batch"),
    path("challenges", views.ChallengeListView.as_view(), name="v1-challenges"),
    path(
        "challenges/<str:challenge_id>",
        views.ChallengeDetailView.as_view(),
        name="v1-challenge",
    ),
    path("challenges/<str:challenge_id>/publish", views.ChallengePublishView.as_view()),
    path("challenges/<str:challenge_id>/close", views.ChallengeCloseView.as_view()),
    path("challenges/<str:challenge_id>/award", views.ChallengeAwardView.as_view()),
    path("challenges/<str:challenge_id>/cancel", views.ChallengeCancelView.as_view()),
    path(
        "challenges/<str:challenge_id>/applications",
        views.ChallengeApplicationListView.as_view(),
        name="v1-challenge-applications",
    ),
    path("applications", views.ApplicationListView.as_view(), name="v1-applications"),
    path(
        "applications/<str:application_id>",
        views.ApplicationDetailView.as_view(),
        name="v1-application",
    ),
    path("applications/<str:application_id>/shortlist", views.ApplicationShortlistView.as_view()),
    path("applications/<str:application_id>/accept", views.ApplicationAcceptView.as_view()),
    path("applications/<str:application_id>/reject", views.ApplicationRejectView.as_view()),
    path("applications/<str:application_id>/withdraw", views.ApplicationWithdrawView.as_view()),
    path(
        "applications/<str:application_id>/messages",
        views.ApplicationMessageListView.as_view(),
        name="v1-application-messages",
    ),
    path("messages", views.MessageListView.as_view(), name="v1-messages"),
    path("messages/<str:message_id>", views.MessageDetailView.as_view(), name="v1-message"),
    path("reviews", views.ReviewListView.as_view(), name="v1-reviews"),
    path("reviews/<str:review_id>", views.ReviewDetailView.as_view(), name="v1-review"),
    path("events", views.EventListView.as_view(), name="v1-events"),
    path("events/<str:event_id>", views.EventDetailView.as_view(), name="v1-event"),
    path("", include("api.v1.webhooks")),  # webhook endpoints, deliveries, attempts
]
