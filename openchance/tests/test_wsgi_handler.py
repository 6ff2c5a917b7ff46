"""``openchance.wsgi.PlatformWsgiHandler`` answers every request exactly as Django's own WSGI
handler with the full middleware chain does: API calls take its shorter chain
(``settings.API_MIDDLEWARE``, cached URL resolutions), and what they skip must not show.

Each request of a family — every host kind (the tenant's, the shared API host, the public host,
an unknown one), keys (valid, sandbox, none, malformed, another tenant's), routes (known, with an
id, unknown, refused parameters, control characters, the probes, documentation, pages), methods
(GET, HEAD, OPTIONS, POST, DELETE, one no route allows) — is sent through both handlers, and the
answers must have the same status, the same headers and the same body, once what differs per
call by design is set aside (the request id, the rate-limit counters, the usage counters).
"""

import json
import re

import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.test import RequestFactory

from api.gateway import rate_limit_reset
from core.testing import connections_kept, host_of
from marketplace.models import Challenge
from openchance.wsgi import PlatformWsgiHandler, WsgiEdge, _resolutions_of

pytestmark = pytest.mark.django_db

# Per call by design: the request id and the counters of the rate limit and the period.
_VOLATILE_HEADERS = {"X-Request-Id", "X-RateLimit-Remaining", "X-RateLimit-Reset", "RateLimit"}
_VOLATILE_MEMBERS = {"request_id", "remaining", "reset_seconds", "billable_calls", "overage_calls"}
_REQUEST_ID = re.compile(rb"req_[0-9a-f]{32}")
# Pages carry a fresh CSRF token (cookie and form field) on every answer.
_TOKEN = re.compile(rb"[A-Za-z0-9]{32,}")


def _call(application, environ: dict) -> tuple[str, dict, bytes]:
    answer = {}

    def start_response(status, headers):
        answer["status"], answer["headers"] = status, headers

    with connections_kept():
        response = application(environ, start_response)
        try:
            body = b"".join(response)
        finally:
            response.close()
    return answer["status"], answer["headers"], body


def _comparable(answer: tuple[str, list, bytes]) -> tuple:
    status, headers, body = answer
    names = [name for name, _ in headers]
    assert len(names) == len(set(names)), f"a header is sent twice: {names}"
    kept = {name: value for name, value in headers if name not in _VOLATILE_HEADERS}
    if "Set-Cookie" in kept:
        kept["Set-Cookie"] = kept["Set-Cookie"].partition("=")[0]
    kept["X-Request-Id (present)"] = str("X-Request-Id" in names)
    if kept.get("Content-Type", "").endswith("json") and body:
        document = json.loads(body)
        body = json.dumps(_without_volatile(document), sort_keys=True).encode()
        kept.pop("Content-Length", None)  # the counters' digits change the length
    else:
        body = _TOKEN.sub(b"<token>", body)
        kept.pop("Content-Length", None)
    return status, kept, _REQUEST_ID.sub(b"req_", body)


def _shape(comparable: tuple) -> tuple:
    status, headers, _body = comparable
    return status.split()[0], sorted(headers)


def _without_volatile(value):
    if isinstance(value, dict):
        return {
            key: ("<volatile>" if key in _VOLATILE_MEMBERS else _without_volatile(member))
            for key, member in value.items()
        }
    if isinstance(value, list):
        return [_without_volatile(member) for member in value]
    return value


def _requests(tenant, other_tenant, keys: dict, challenge_id: str) -> list[tuple[str, object]]:
    factory = RequestFactory()
    tenant_host, api_host = host_of(tenant), f"api.{settings.BASE_DOMAIN}"
    public_host = settings.BASE_DOMAIN
    cases = []

    def add(label, method, path, *, host=tenant_host, key="live", body=None, **extra):
        headers = {"HTTP_HOST": host, **extra}
        if key is not None:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {keys.get(key, key)}"
        kwargs = {}
        if body is not None:
            kwargs = {"data": json.dumps(body), "content_type": "application/json"}
        make = getattr(factory, method.lower())
        # A fresh environ (and body stream) for every call: a body can be read once.
        cases.append((label, lambda: make(path, **kwargs, **headers).environ))

    for host_label, host in (("tenant host", tenant_host), ("API host", api_host)):
        for key in ("live", "test", None, "oc_live_malformed", "other"):
            add(f"me, {host_label}, key {key}", "GET", "/v1/me", host=host, key=key)
        add(f"list, {host_label}", "GET", "/v1/challenges?limit=2", host=host)
        add(f"object, {host_label}", "GET", f"/v1/challenges/{challenge_id}", host=host)
    add("list, sandbox", "GET", "/v1/challenges", key="test")
    add("object missing", "GET", "/v1/challenges/chl_00000000000000000000000000")
    add("unknown route", "GET", "/v1/no/such/route")
    add("refused parameter", "GET", "/v1/challenges?limit=abc&colour=red")
    add("control character", "GET", "/v1/challenges?search=a%00b")
    add("not UTF-8", "GET", "/v1/challenges?search=%ff")
    add("expansion beyond scope", "GET", "/v1/applications?expand=challenge", key="other")
    add("HEAD", "HEAD", "/v1/challenges?limit=1")
    add("OPTIONS", "OPTIONS", "/v1/challenges")
    add("no such method on route", "DELETE", "/v1/challenges")
    add("create refused", "POST", "/v1/challenges", body={"title": ""})
    add("create malformed JSON", "POST", "/v1/challenges", body=None, CONTENT_TYPE="text/plain")
    add("Accept XML", "GET", "/v1/me", HTTP_ACCEPT="application/xml")
    add("unknown host", "GET", "/v1/me", host="nobody.example")
    add("other tenant's key on this host", "GET", "/v1/challenges", key="other")
    add("other tenant's host", "GET", "/v1/challenges", host=host_of(other_tenant))
    add("public host /v1", "GET", "/v1/me", host=public_host)
    add("livez", "GET", "/livez", key=None)
    add("healthz, unknown host", "GET", "/healthz", key=None, host="nobody.example")
    add("openapi", "GET", "/v1/openapi.json", key=None)
    add("page: login", "GET", "/accounts/login/", key=None)
    add("page: landing", "GET", "/", key=None, host=public_host)
    add("page: not found", "GET", "/no-such-page/", key=None)
    return cases


def test_every_request_is_answered_as_the_full_chain_answers_it(
    tenant, other_tenant, live_key, test_key, other_live_key, in_tenant
):
    challenge = Challenge.objects.create(title="Parity", summary="s", category="bounty")
    keys = {"live": live_key, "test": test_key, "other": other_live_key}
    django_handler, platform_handler = WsgiEdge(WSGIHandler()), WsgiEdge(PlatformWsgiHandler())
    cases = _requests(tenant, other_tenant, keys, challenge.id)
    differences, unsteady = [], []
    for label, environ_new in cases:
        answers = []
        for application in (django_handler, platform_handler, django_handler):
            rate_limit_reset(organisation_id=tenant.pk)
            rate_limit_reset(organisation_id=other_tenant.pk)
            answers.append(_comparable(_call(application, environ_new())))
        if answers[0] != answers[2]:
            # Django's own two answers differ (/healthz reports the worker's heartbeat as it
            # comes and goes): the platform's must still have the shape of one of them.
            unsteady.append(label)
            if _shape(answers[1]) not in (_shape(answers[0]), _shape(answers[2])):
                differences.append(f"{label}:\n  Django: {answers[0]}\n  platform: {answers[1]}")
        elif answers[0] != answers[1]:
            differences.append(f"{label}:\n  Django:   {answers[0]}\n  platform: {answers[1]}")
    assert not differences, "\n".join(differences)
    assert len(unsteady) <= 2, f"answers that change between two calls: {unsteady}"
    assert len(cases) >= 35


def test_api_calls_skip_only_middleware_that_passes_them_through():
    assert settings.API_MIDDLEWARE == [
        path for path in settings.MIDDLEWARE if path not in settings.API_PASS_THROUGH_MIDDLEWARE
    ]
    assert set(settings.API_PASS_THROUGH_MIDDLEWARE) <= set(settings.MIDDLEWARE)


def test_resolutions_are_bounded_and_forgotten_with_the_resolver(monkeypatch, tenant, live_key):
    from django.urls import clear_url_caches, get_resolver

    import openchance.wsgi as wsgi

    monkeypatch.setattr(wsgi, "RESOLUTIONS_MAX_ENTRIES", 5)
    handler = WsgiEdge(PlatformWsgiHandler())
    environ = RequestFactory().get("/v1/me", HTTP_HOST=host_of(tenant)).environ
    for index in range(12):
        _call(handler, {**environ, "PATH_INFO": f"/v1/challenges/chl_{index}"})
    resolutions = _resolutions_of(get_resolver(settings.ROOT_URLCONF))
    assert len(resolutions._matches) == 5
    assert list(resolutions._matches)[-1] == "/v1/challenges/chl_11"  # the newest stay
    clear_url_caches()
    assert _resolutions_of(get_resolver(settings.ROOT_URLCONF)) is not resolutions
