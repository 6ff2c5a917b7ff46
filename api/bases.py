"""``ApiView``: the one base class of every /v1 view — the REST face of ``api.gateway``.

On every request, before the handler runs: authenticate ``Authorization: Bearer <key>``, resolve
tenant and mode (on the shared API host the key alone decides; on a tenant's host the key must
belong to it), switch the database connection to the live or sandbox schema, enforce the plan's
rate limit and monthly quota (``cost`` tokens), check the scope, refuse bodies without a
Content-Length (411) or over the size limit (413) and query strings that are not UTF-8 or hold
control characters (400). After it: add the rate-limit headers and meter the call. Every error
is problem+json (``api.exceptions``); request bodies are parsed by ``api.parsers.SafeJSONParser``
only.

Nothing on this path may escape as an uncaught exception (Django would answer it with an HTML
page, and the call would go unmetered): whatever raises in the gateway, the handler, DRF's
finalisation or the rendering becomes a logged 500 problem, and the after-path (excerpts,
metering capture) is guarded so that a verified key's call is metered whatever happened.

A subclass declares:

- ``scope_family`` — e.g. ``"challenges"``: GET/HEAD/OPTIONS need ``challenges:read``, other
  methods ``challenges:write`` (None: any valid key will do, as for /v1/me);
- ``cost`` — tokens per call (search and batch endpoints cost more);
- ``rate_limit`` — an extra limit of its own per key in django-ratelimit syntax (``"10/m"``);
- ``is_response_cached`` — GET answers are kept in ``api.response_cache`` (only for routes whose
  answer is a pure function of the schema's data, the path, the query string and the key's
  scopes); a hit skips the handler, never the gateway;
- ``is_billing_route`` — billing's own routes (``api.v1.billing``): rate limited, metered, but
  neither billed nor counted toward the period, and never refused by the quota, the spend cap or
  a restriction (402), so a blocked organisation can read its bill and raise its cap.

Inside a handler: ``request.tenant`` is the live or sandbox ``Tenant`` whose schema is active,
``request.api_key`` the ``KeyContext``, ``request.livemode`` a bool, ``self.limit_result`` the
``LimitResult`` of this call.
"""

import json
import logging
import re
import time
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections

try:
    import orjson
except ImportError:  # optional: DRF's renderer then renders every response
    orjson = None
from django_ratelimit.core import get_usage
from django_ratelimit.exceptions import Ratelimited
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Empty
from rest_framework.views import APIView

from api.exceptions import INTERNAL_ERROR_DETAIL, LengthRequiredError, PayloadTooLargeError
from api.gateway import (
    LimitExceededError,
    key_authenticate,
    rate_limit_check,
    scope_check,
    usage_record,
)
from api.parsers import SafeJSONParser
from api.redaction import excerpt_redact
from api.response_cache import response_cache_get, response_cache_key, response_cache_put
from apikeys.scopes import scope_required
from core.context import request_context_update
from core.headers import headers_set
from core.problems import problem_response

logger = logging.getLogger(__name__)


# Metered as the route of every /v1 call that matches no route: the raw path is the client's
# choice, and one ledger row per distinct route would let a client create rows without bound
# (the path itself is kept in the request log).
UNMATCHED_ROUTE = "/v1/<unmatched>"


class JsonRenderer(JSONRenderer):
    r"""DRF's JSON output — compact, UTF-8, ``\u2028``/``\u2029`` escaped, RFC 3339 ``Z``
    timestamps — rendered by orjson when it is installed (a tenth of the time of ``json.dumps``
    with DRF's encoder: ~20 µs saved on /v1/me, ~100 µs on a page of 10 challenges). What orjson
    cannot render the same way (non-string keys, integers past 64 bits, an indent asked for)
    falls back to DRF's renderer; types orjson lacks (lazy strings, ``Decimal``) go through DRF's
    encoder. NaN and infinities, which DRF's renderer refuses, would render as ``null``; no
    route's output can hold one (request bodies refuse them, ``core.safejson``)."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if orjson is None or data is None:
            return super().render(data, accepted_media_type, renderer_context)
        if self.get_indent(accepted_media_type, renderer_context or {}) is not None:
            return super().render(data, accepted_media_type, renderer_context)
        try:
            content = orjson.dumps(data, default=_json_default, option=orjson.OPT_UTC_Z)
        except (TypeError, ValueError):  # orjson.JSONEncodeError is a TypeError
            return super().render(data, accepted_media_type, renderer_context)
        if b"\xe2\x80\xa8" in content or b"\xe2\x80\xa9" in content:
            content = content.replace(b"\xe2\x80\xa8", b"\\u2028").replace(
                b"\xe2\x80\xa9", b"\\u2029"
            )
        return content


_json_default = JSONRenderer.encoder_class().default


_JSON_RENDERER = JsonRenderer()
# Accept headers that mean "JSON is fine" for the fast path of content negotiation.
_PLAIN_ACCEPT = frozenset({None, "", "*/*", "application/json"})


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
    is_billing_route: bool = False
    is_response_cached: bool = False

    renderer_classes = [JsonRenderer]
    parser_classes = [SafeJSONParser]
    authentication_classes: list = []
    permission_classes: list = []
    throttle_classes: list = []

    api_context = None
    limit_result = None
    # The response cache key of this call when its answer is to be stored (a lookup missed).
    response_cache_key = None
    # True for the catch-all view of paths that match no route (``api.views.UnknownRouteView``).
    is_unmatched_route = False

    # --- the gateway, before and after the handler

    def gateway_enter(self, request) -> None:
        django_request = request._request
        host_tenant = django_request.tenant if django_request.host_kind == "tenant" else None
        context = key_authenticate(bearer_token(django_request), host_tenant=host_tenant)
        self.api_context = context
        request_context_update(actor=f"api_key:{context.key_id}")
        django_request.api_key = context
        django_request.livemode = context.livemode
        django_request.tenant = context.tenant
        connection.set_tenant(context.tenant)

        self.limit_result = rate_limit_check(
            context, cost=self.cost, is_counted=not self.is_billing_route
        )
        if not self.limit_result.allowed:
            raise LimitExceededError.from_result(self.limit_result)
        if self.rate_limit:
            self._endpoint_limit_check(django_request, context)
        if self.scope_family is not None:
            scope_check(
                context, required=scope_required(family=self.scope_family, method=request.method)
            )
        if "HTTP_TRANSFER_ENCODING" in django_request.META:
            # Django reads a body by Content-Length only: under WSGI a chunked body would be
            # seen as empty. (Under ASGI, openchance.asgi refuses it before reading it.)
            raise LengthRequiredError(
                "Send the request body with a Content-Length header; Transfer-Encoding "
                "(chunked bodies) is not supported."
            )
        if _content_length(django_request) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            raise PayloadTooLargeError(
                f"The request body exceeds {settings.DATA_UPLOAD_MAX_MEMORY_SIZE:,} bytes.",
                limit_bytes=settings.DATA_UPLOAD_MAX_MEMORY_SIZE,
            )
        _query_check(django_request)

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
        """Meter the call of a verified key. Each input is taken defensively: a failure to
        compute one (an excerpt, the route) costs that field, never the record."""
        context = self.api_context
        if context is None:
            return  # unauthenticated: nobody to meter the call against
        django_request = request._request if hasattr(request, "_request") else request
        status = response.status_code
        request_excerpt = response_excerpt = ""
        if status >= 400:
            # excerpt_redact never raises; _body_of and .content are guarded below.
            request_excerpt = excerpt_redact(_body_of(request))
            response_excerpt = excerpt_redact(_content_of(response))
        usage_record(
            context,
            method=django_request.method,
            route=self.metered_route(django_request),
            status=status,
            duration_ms=(time.perf_counter() - started) * 1000,
            request_bytes=_content_length(django_request),
            response_bytes=len(_content_of(response)),
            request_id=getattr(django_request, "request_id", ""),
            client_request_id=getattr(django_request, "client_request_id", ""),
            path=django_request.path,
            # A call the limiter refused, or one that failed on our side (5xx, e.g. 503
            # database_unavailable after the limit check), is not billed.
            is_billable=(
                self.limit_result is not None
                and self.limit_result.allowed
                and status < 500
                and not self.is_billing_route
            ),
            request_excerpt=request_excerpt,
            response_excerpt=response_excerpt,
        )

    def metered_route(self, django_request) -> str:
        """The route template the call is metered under (never the raw path, see
        ``UNMATCHED_ROUTE``)."""
        match = getattr(django_request, "resolver_match", None)
        if match is None or self.is_unmatched_route:
            return UNMATCHED_ROUTE
        return "/" + match.route

    # --- DRF hooks

    def initial(self, request, *args, **kwargs):
        """DRF's ``initial`` without the policies the gateway replaces: no authentication classes
        (the key is verified by ``gateway_enter``), permissions (scopes) or throttles (plan
        limits) — each still runs if a subclass declares one — and content negotiation short
        cut for what every client sends (no Accept, ``*/*``, ``application/json``); anything
        else goes through DRF's negotiation (406 ``not_acceptable`` included)."""
        self.format_kwarg = self.get_format_suffix(**kwargs)
        request.accepted_renderer, request.accepted_media_type = self._renderer_negotiated(request)
        if self.versioning_class is not None:
            request.version, request.versioning_scheme = self.determine_version(
                request, *args, **kwargs
            )
        else:
            request.version = request.versioning_scheme = None
        if self.authentication_classes:
            self.perform_authentication(request)
        if self.permission_classes:
            self.check_permissions(request)
        if self.throttle_classes:
            self.check_throttles(request)
        self.gateway_enter(request)
        self._response_cache_lookup(request)

    # --- the response cache (api.response_cache)

    def _response_cache_lookup(self, request) -> None:
        """After the gateway passed (key verified, limits charged, scope checked): on a hit, the
        handler DRF calls next (``self.get``) becomes one answering the stored response; on a
        miss, ``response_cache_key`` is kept for ``_response_cache_store``."""
        self.response_cache_key = None
        if not self.is_response_cached or request.method != "GET":
            return
        key = response_cache_key(request, data_generation=self.limit_result.data_generation)
        if key is None:
            return
        cached = response_cache_get(key)
        if cached is None:
            self.response_cache_key = key
            return
        self.get = lambda request, *args, **kwargs: cached.response()

    def _response_cache_store(self, response) -> None:
        """Keep the rendered answer of a call whose lookup missed (a 200 of the view only)."""
        if self.response_cache_key is not None:
            response_cache_put(self.response_cache_key, response)

    def _renderer_negotiated(self, request):
        accept = request._request.META.get("HTTP_ACCEPT")
        if (
            accept in _PLAIN_ACCEPT
            and self.format_kwarg is None
            and self.renderer_classes is ApiView.renderer_classes
            and not _names_format(request._request)
        ):
            return _JSON_RENDERER, _JSON_RENDERER.media_type
        return self.perform_content_negotiation(request)

    def get_authenticate_header(self, request):
        return 'Bearer realm="openchance"'

    def _allowed_methods(self):
        """Django's per-request list of the methods this view answers (DRF's ``Allow`` header),
        computed once per view class: a class's handlers never change."""
        cls = type(self)
        methods = cls.__dict__.get("_allowed_methods_of_class")
        if methods is None:
            methods = super()._allowed_methods()
            cls._allowed_methods_of_class = methods
        return list(methods)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        self._limit_headers_add(response)
        return response

    def dispatch(self, request, *args, **kwargs):
        started = time.perf_counter()
        self.api_context = self.limit_result = self.response_cache_key = None
        db = connections[DEFAULT_DB_ALIAS]  # looked up once (see tenants.middleware)
        previous_tenant = db.tenant
        try:
            response = self._response_rendered(request, *args, **kwargs)
        finally:
            if db.tenant is not previous_tenant:
                db.set_tenant(previous_tenant)
        try:
            self.gateway_exit(self.request, response, started)
        except Exception:
            # The client gets the answer it was given (a write may have happened); the lost
            # record is an operator's problem, logged with the request id.
            logger.exception(
                "metering capture failed (request %s)", getattr(request, "request_id", None)
            )
        return response

    def _response_rendered(self, request, *args, **kwargs):
        """DRF's dispatch and the rendering — in the call's schema, and so that its size can be
        metered — with anything they let escape turned into a 500 problem (see module)."""
        try:
            response = super().dispatch(request, *args, **kwargs)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            self._response_cache_store(response)
        except Exception:
            logger.exception(
                "unhandled error around %s (request %s)",
                self.__class__.__name__,
                getattr(request, "request_id", None),
            )
            response = problem_response(
                status=500,
                code="internal_error",
                title="Internal server error",
                detail=INTERNAL_ERROR_DETAIL,
                request=request,
            )
            self._limit_headers_add(response)
        return response

    def _limit_headers_add(self, response) -> None:
        if self.limit_result is not None:
            headers_set(response, self.limit_result.headers().items(), only_missing=True)


# C0 controls, DEL and C1 controls: no parameter of this API has a use for them, PostgreSQL
# cannot store NUL, and the others would be invisible or misleading in logs.
_CONTROL_CHARACTER = re.compile("[\x00-\x1f\x7f-\x9f]")


def _query_check(django_request) -> None:
    """400 ``validation_error`` for a query string that is not UTF-8 once percent-decoded
    (Django would silently turn it into U+FFFD), or whose names or values hold a control
    character. One check for every route, before any view parses its parameters."""
    raw = django_request.META.get("QUERY_STRING", "")
    if not raw:
        return
    if raw.isascii() and "%" not in raw and not _CONTROL_CHARACTER.search(raw):
        return  # nothing encoded: the parameters are these very characters (+ is a space)
    try:
        # WSGI hands the raw bytes over as Latin-1 text; ASGI (Django's handler) as UTF-8 text.
        raw_bytes = raw.encode("latin-1")
    except UnicodeEncodeError:
        raw_bytes = raw.encode("utf-8")
    try:
        unquote_to_bytes(raw_bytes).decode("utf-8")
    except UnicodeDecodeError:
        raise ValidationError(
            {"query_string": ["The query string is not valid UTF-8 once percent-decoded."]}
        ) from None
    errors = {}
    for name, values in django_request.GET.lists():
        if _CONTROL_CHARACTER.search(name) or any(map(_CONTROL_CHARACTER.search, values)):
            errors[name] = ["Control characters are not allowed."]
    if errors:
        raise ValidationError(dict(list(errors.items())[:20]))


def _names_format(django_request) -> bool:
    """Whether the query names ``format`` (DRF's override of content negotiation), without
    parsing it when it plainly does not: no ``format`` and nothing percent-encoded in it."""
    raw = django_request.META.get("QUERY_STRING", "")
    if "format" not in raw and "%" not in raw:
        return False
    return "format" in django_request.GET


def _content_length(django_request) -> int:
    value = django_request.META.get("CONTENT_LENGTH") or ""
    # isdigit() alone accepts non-ASCII digits ("²") that int() refuses.
    return int(value) if value.isascii() and value.isdigit() else 0


def _content_of(response) -> bytes:
    if getattr(response, "streaming", False):
        return b""
    try:
        return response.content
    except Exception:  # noqa: BLE001 - an unrendered or broken response: no excerpt, no size
        return b""


def _body_of(request) -> bytes | str:
    """What the client sent, for the excerpt: the raw body (Django bounds it by
    DATA_UPLOAD_MAX_MEMORY_SIZE), else the parsed data; never raises."""
    try:
        return getattr(request, "_request", request).body
    except Exception:  # noqa: BLE001 - the stream was consumed or refused (413): try the data
        data = getattr(request, "_full_data", Empty)
    if data is Empty:
        return ""
    try:
        return json.dumps(data, default=str)
    except Exception:  # noqa: BLE001 - data the encoder refuses: no excerpt then
        return ""
