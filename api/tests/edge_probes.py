"""Probe views that fail where no handler of DRF's looks: in rendering and in finalisation of an
ApiView, and in plain Django views (which Django answers itself, with debug pages under DEBUG).

Mounted (with ``api.tests.probes``) by the tests of ApiView's before/after path and of the
problem+json error pages; each failure is one a real view can make — a value the JSON renderer
cannot encode, a handler that returns something other than a response, an exception or a 404 in
a view outside DRF.
"""

from django.core.exceptions import SuspiciousOperation
from django.http import Http404
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


def plain_failure(request):
    raise RuntimeError("secret internals: password=hunter2")


def plain_not_found(request):
    raise Http404("no such thing")


def plain_suspicious(request):
    raise SuspiciousOperation("odd request")


urlpatterns = [
    path("v1/_edge/unrenderable", UnrenderableView.as_view()),
    path("v1/_edge/not-a-response", NotAResponseView.as_view()),
    path("v1/_edge/plain-failure", plain_failure),
    path("v1/_edge/plain-not-found", plain_not_found),
    path("v1/_edge/plain-suspicious", plain_suspicious),
    path("plain-failure", plain_failure),
    *probe_urlpatterns,
]
