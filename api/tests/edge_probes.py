"""Probe views that fail where no handler of DRF's looks: in rendering and in finalisation.

Mounted (with ``api.tests.probes``) by the tests of ApiView's before/after path; each failure is
one a real view can make — a value the JSON renderer cannot encode, a handler that returns
something other than a response.
"""

from django.urls import path
from rest_framework.response import Response

from api.bases import ApiView
from api.tests.probes import urlpatterns as probe_urlpatterns


class UnrenderableView(ApiView):
    def get(self, request):
        return Response({"value": object()})  # JSONRenderer raises TypeError while rendering


class NotAResponseView(ApiView):
    def get(self, request):
        return {"ok": True}  # DRF's finalize_response asserts it is given a response


urlpatterns = [
    path("v1/_edge/unrenderable", UnrenderableView.as_view()),
    path("v1/_edge/not-a-response", NotAResponseView.as_view()),
    *probe_urlpatterns,
]
