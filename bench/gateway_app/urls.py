"""The platform's tenant URLs plus /bench/: /v1/me with the gateway switched off, and stats."""

from django.db import connection
from django.http import JsonResponse
from django.urls import path

from api.gateway import key_authenticate, rate_limit_check
from api.views import MeView
from bench.gateway_app import counters
from openchance.urls_tenants import urlpatterns as tenant_urlpatterns

_fixed: dict = {}


class UngatedMeView(MeView):
    """/v1/me with the gateway switched off: the key's context and a limit result are computed
    once and reused, so nothing is verified, limited or metered per request."""

    def gateway_enter(self, request) -> None:
        if not _fixed:
            key = request._request.headers["Authorization"].split()[1]
            _fixed["context"] = key_authenticate(key, host_tenant=None)
            _fixed["limit"] = rate_limit_check(_fixed["context"])
        context = _fixed["context"]
        self.api_context, self.limit_result = context, _fixed["limit"]
        django_request = request._request
        django_request.api_key, django_request.livemode = context, context.livemode
        django_request.tenant = context.tenant
        connection.set_tenant(context.tenant)

    def gateway_exit(self, request, response, started: float) -> None:
        pass


def stats(request):
    return JsonResponse(dict(counters.COUNTS))


def stats_reset(request):
    counters.counts_reset()
    return JsonResponse({"reset": True})


urlpatterns = [
    path("bench/me-ungated", UngatedMeView.as_view()),
    path("bench/stats", stats),
    path("bench/stats/reset", stats_reset),
    *tenant_urlpatterns,
]
