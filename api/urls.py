"""/v1 on tenant hosts and on the shared API host: the gateway's endpoints, the resources
(``api.v1.urls``), and a problem+json 404 for anything else."""

from django.urls import include, path, re_path

from api.graphql.views import graphql_endpoint
from api.views import MeView, UnknownRouteView

urlpatterns = [
    path("me", MeView.as_view(), name="api-me"),
    path("graphql", graphql_endpoint, name="api-graphql"),
    path("", include("api.v1.urls")),
    re_path(r"^", UnknownRouteView.as_view()),
]
