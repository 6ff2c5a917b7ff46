"""The URLconf the OpenAPI document is generated from: everything under /v1, whatever the host."""

from django.urls import include, path

urlpatterns = [path("v1/", include("api.urls"))]
