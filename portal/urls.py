"""The portal's URLs on a tenant's hosts (namespace ``portal``), mounted at ``/``.

``portal.pages.urls`` (the data pages: dashboard, keys, usage, logs, webhooks) comes first so its
dashboard at ``/`` wins over the shell below it.
"""

from django.urls import include, path

from portal.members import urls as members_urls
from portal.views import HandoffView, ModeSwitchView, PortalHomeView

app_name = "portal"

try:  # portal.pages lands separately; until then the shell dashboard below serves "/".
    from portal.pages import urls as pages_urls

    # Its patterns join this namespace directly (``portal:keys``, not ``portal:pages:keys``).
    _pages = [path("", include(pages_urls.urlpatterns))]
except ImportError:
    _pages = []

urlpatterns = [
    *_pages,
    path("", PortalHomeView.as_view(), name="dashboard"),
    path("mode/", ModeSwitchView.as_view(), name="mode"),
    path("handoff/<str:token>/", HandoffView.as_view(), name="handoff"),
    path("", include(members_urls.urlpatterns)),
]
