"""The public site's URLs (namespace ``site``), mounted at ``/`` on BASE_DOMAIN."""

from django.urls import path

from portal.public import views

app_name = "site"
urlpatterns = [
    path("", views.landing, name="landing"),
    path("pricing/", views.pricing, name="pricing"),
    path("docs/", views.docs, name="docs"),
    path("signup/", views.signup, name="signup"),
    path("signup/slug/", views.slug_check, name="slug_check"),
    path("signup/continue/", views.signup_continue, name="signup_continue"),
    path("verified/", views.verified, name="verified"),
    path("find-workspace/", views.find_workspace, name="find_workspace"),
    path("workspaces/", views.workspaces, name="workspaces"),
    path("workspaces/<slug:slug>/open/", views.workspace_open, name="workspace_open"),
]
