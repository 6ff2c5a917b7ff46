"""The public site's URLs (namespace ``site``), mounted at ``/`` on BASE_DOMAIN."""

from django.urls import path

from portal.public import views

app_name = "site"
urlpatterns = [
    path("", views.landing, name="landing"),
    path("pricing/", views.pricing, name="pricing"),
    path("docs/", views.docs, name="docs"),
    path("signup/", views.placeholder, name="signup"),
    path("find-workspace/", views.placeholder, name="find_workspace"),
    path("verified/", views.placeholder, name="verified"),
]
