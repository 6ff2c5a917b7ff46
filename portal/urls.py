"""The portal's URLs on a tenant's hosts (namespace ``portal``), mounted at ``/``: the data pages
(``portal.pages``: dashboard, keys, usage, logs, webhooks), members, the live/sandbox switch and
the one-time link in from the public host. Sub-URLconfs join this namespace directly
(``portal:keys``, not ``portal:pages:keys``)."""

from django.urls import include, path

from portal.members import urls as members_urls
from portal.pages import urls as pages_urls
from portal.views import HandoffView, ModeSwitchView

app_name = "portal"

urlpatterns = [
    path("", include(pages_urls.urlpatterns)),
    path("billing/", include("portal.billing.urls")),
    path("mode/", ModeSwitchView.as_view(), name="mode"),
    path("handoff/<str:token>/", HandoffView.as_view(), name="handoff"),
    path("", include(members_urls.urlpatterns)),
    path("", include("portal.docs.urls")),  # portal:docs (/guide/…), playground, changelog
]
