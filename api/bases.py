"""``ApiView``: the one base class of every /v1 view — the REST face of ``api.gateway``.

On every request, before the handler runs: authenticate ``Authorization: Bearer <key>``, resolve
tenant and mode (on the shared API host the key alone decides; on a tenant's host the key must
belong to it), switch the database connection to the live or sandbox schema, enforce the plan's
rate limit and monthly quota (``cost`` tokens), check the scope, refuse oversized bodies. After
it: add the rate-limit headers and meter the call. Every error is problem+json
(``api.exceptions``).

A subclass declares:

- ``scope_family`` — e.g. ``"challenges"``: GET/HEAD/OPTIONS need ``challenges:read``, other
  methods ``challenges:write`` (None: any valid key will do, as for /v1/me);
- ``cost`` — tokens per call (search and batch endpoints cost more);
- ``rate_limit`` — an extra limit of its own per key in django-ratelimit syntax (``"10/m"``).

Inside a handler: ``request.tenant`` is the live or sandbox ``Tenant`` whose schema is active,
``request.api_key`` the ``KeyContext``, ``request.livemode`` a bool, ``self.limit_result`` the
``LimitResult`` of this call.
"""

import json
import time

from django.conf import settings
from django.db import connection
from django_ratelimit.core import get_usage
from django_ratelimit.exceptions import Ratelimited
from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Empty
from rest_framework.views import APIView

from api.exceptions import PayloadTooLargeError
from api.gateway import (
    LimitExceededError,
    key_authenticate,
    rate_limit_check,
    scope_check,
    usage_record,
)
from api.redaction import excerpt_redact
from apikeys.scopes import scope_required


def bearer_token(request) -> str | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


class ApiView(APIView):
    scope_family: str | None = None
    cost: int = 1
    rate_limit: str | None = None

    renderer_classes = [JSONRenderer]
    parser_classes = [JSONParser]
    authentication_classes: list = []
    permission_classes: list = []
    throttle_classes: list = []

    api_context = None
    limit_result = None

    # --- the gateway, before and after the handler

    def gateway_enter(self, request) -> None:
        django_request = request._request
        host_tenant = django_request.tenant if django_request.host_kind == "tenant" else None
        context = key_authenticate(bearer_token(django_request), host_tenant=host_tenant)
        self.api_context = context
        django_request.api_key = context
        django_request.livemode = context.livemode
        django_request.tenant = context.tenant
        connection.set_tenant(context.tenant)

        self.limit_result = rate_limit_check(context, cost=self.cost)
        if not self.limit_result.allowed:
            raise LimitExceededError.from_result(self.limit_result)
        if self.rate_limit:
            self._endpoint_limit_check(django_request, context)
        if self.scope_family is not None:
            scope_check(
                context, required=scope_required(family=self.scope_family, method=request.method)
            )
        if _content_length(django_request) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            raise PayloadTooLargeError(
                f"The request body exceeds {settings.DATA_UPLOAD_MAX_MEMORY_SIZE:,} bytes.",
                limit_bytes=settings.DATA_UPLOAD_MAX_MEMORY_SIZE,
            )

    def _endpoint_limit_check(self, django_request, context) -> None:
        # django-ratelimit (fixed windows in the django-redis cache) for endpoint-specific limits.
        if self.limit_result is not None and self.limit_result.is_degraded:
            return  # Redis is unreachable: fail open, like the plan limit
        try:
            usage = get_usage(
                django_request,
                group=f"{self.__class__.__module__}.{self.__class__.__name__}",
                key=lambda _group, _request: context.key_id,
                rate=self.rate_limit,
                increment=True,
            )
        except Exception:  # noqa: BLE001 - the cache (Redis) failed: fail open, see api.gateway
            return
        if usage is not None and usage["should_limit"]:
            exc = Ratelimited()
            exc.wait = usage["time_left"]
            raise exc

    def gateway_exit(self, request, response, started: float) -> None:
        context = self.api_context
        if context is None:
            return  # unauthenticated: nobody to meter the call against
        django_request = request._request if hasattr(request, "_request") else request
        status = response.status_code
        request_excerpt = response_excerpt = ""
        if status >= 400:
            request_excerpt = excerpt_redact(_body_of(request))
            response_excerpt = excerpt_redact(getattr(response, "content", b""))
        match = django_request.resolver_match
        usage_record(
            context,
            method=django_request.method,
            route="/" + match.route if match is not None else django_request.path,
            status=status,
            duration_ms=(time.perf_counter() - started) * 1000,
            request_bytes=_content_length(django_request),
            response_bytes=len(response.content) if not response.streaming else 0,
            request_id=getattr(django_request, "request_id", ""),
            path=django_request.path,
            is_billable=self.limit_result is not None and self.limit_result.allowed,
            request_excerpt=request_excerpt,
            response_excerpt=response_excerpt,
        )

    # --- DRF hooks

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.gateway_enter(request)

    def get_authenticate_header(self, request):
        return 'Bearer realm="openchance"'

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if self.limit_result is not None:
            for name, value in self.limit_result.headers().items():
                if name not in response:
                    response[name] = value
        return response

    def dispatch(self, request, *args, **kwargs):
        started = time.perf_counter()
        self.api_context = self.limit_result = None
        previous_tenant = connection.tenant
        try:
            response = super().dispatch(request, *args, **kwargs)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()  # in the call's schema, and so its size can be metered
        finally:
            if connection.tenant is not previous_tenant:
                connection.set_tenant(previous_tenant)
        self.gateway_exit(self.request, response, started)
        return response


def _content_length(django_request) -> int:
    value = django_request.META.get("CONTENT_LENGTH") or ""
    return int(value) if value.isdigit() else 0


def _body_of(request) -> bytes | str:
    data = getattr(request, "_full_data", Empty)
    if data is not Empty:
        try:
            return json.dumps(data, default=str)
        except (TypeError, ValueError):
            return ""
    try:
        return request._request.body
    except Exception:  # noqa: BLE001 - the stream was consumed or refused: no excerpt then
        return ""
