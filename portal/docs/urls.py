"""URLs of the docs pages, included by ``portal.urls`` into the ``portal`` namespace:
``portal:docs`` (the guide index, /guide/), ``portal:guide`` (/guide/<slug>/),
``portal:guide_graphql``, ``portal:playground`` and ``portal:changelog``. (/docs/ stays the
API's Swagger UI and /docs/redoc/ its Redoc.)"""

from django.urls import path

from portal.docs import views

urlpatterns = [
    path("guide/", views.GuideIndexView.as_view(), name="docs"),
    path("guide/playground/", views.PlaygroundView.as_view(), name="playground"),
    path("guide/changelog/", views.ChangelogView.as_view(), name="changelog"),
    path("guide/graphql/", views.GuideView.as_view(), {"slug": "graphql"}, name="guide_graphql"),
    path("guide/<slug:slug>/", views.GuideView.as_view(), name="guide"),
]
