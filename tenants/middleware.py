"""Host → tenant resolution: picks the URLconf and the PostgreSQL schema of each request.

Replaces django-tenants' TenantMainMiddleware so that unknown hosts get a problem+json 404 (not a
debug page), suspended tenants get 403 ``tenant_suspended``, the shared API host is recognised, and
a warm host costs no SQL query (see ``tenants.selectors.tenant_for_host``).
"""

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponse
from django.urls import set_urlconf
from django_tenants.postgresql_backend.base import FakeTenant
from django_tenants.utils import get_public_schema_name

from core.problems import problem_response
from tenants.selectors import host_normalize, tenant_for_host

API_HOST_URLCONF = "openchance.urls_api"
# Reachable on any host, known or not, so load balancers can probe instances by address.
HOST_INDEPENDENT_PATHS = frozenset({"/healthz", "/livez"})


class TenantHostMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # This thread's connection, looked up once (each use of the ``connection`` proxy is a
        # lookup of its own).
        db = connections[DEFAULT_DB_ALIAS]
        db.set_schema_to_public()
        request.tenant = None
        request.host_kind = "public"
        if request.path in HOST_INDEPENDENT_PATHS:
            return self._dispatch(request, settings.PUBLIC_SCHEMA_URLCONF)

        host = host_normalize(request.META.get("HTTP_HOST", ""))
        resolution = tenant_for_host(host) if host else None
        if resolution is None:
            return problem_response(
                status=404,
                code="unknown_host",
                title="Unknown host",
                detail=f"No tenant is served at {host or 'an empty Host header'!r}.",
                request=request,
            )
        request.host_kind = resolution.kind
        if resolution.kind == "public":
            # django-tenants' admin templates read request.tenant.schema_name.
            request.tenant = FakeTenant(schema_name=get_public_schema_name())
            return self._dispatch(request, settings.PUBLIC_SCHEMA_URLCONF)
        if resolution.kind == "api":
            # The API gateway picks the tenant (and live or sandbox schema) from the key.
            return self._dispatch(request, API_HOST_URLCONF)

        tenant = resolution.tenant
        if tenant.is_suspended:
            return problem_response(
                status=403,
                code="tenant_suspended",
                title="Tenant suspended",
                detail=(
                    f"The tenant {tenant.slug!r} is suspended; contact support to reactivate it."
                ),
                request=request,
            )
        request.tenant = tenant
        db.set_tenant(tenant)
        try:
            return self._dispatch(request, settings.ROOT_URLCONF)
        finally:
            # Leave the connection as we found it for whatever reuses it next in this thread.
            db.set_schema_to_public()

    def _dispatch(self, request: HttpRequest, urlconf: str) -> HttpResponse:
        request.urlconf = urlconf
        set_urlconf(urlconf)
        return self.get_response(request)
