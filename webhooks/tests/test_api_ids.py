"""Ids that cannot be ours, on every /v1 webhook route that takes one (read from the URLconf, so
a new route is covered as soon as it exists): a 404 problem with code ``not_found`` — never a
500 — and no change to the tenant's webhooks. The guard is ``core.ids.id_is_wellformed``."""

from urllib.parse import quote

import pytest
from django.urls import URLPattern
from django_tenants.utils import tenant_context

from api.v1 import webhooks as webhook_views
from api.v1.tests.support import problem
from core.ids import id_is_wellformed, new_id
from events.services import event_emit
from webhooks.models import WebhookDelivery, WebhookEndpoint
from webhooks.services.fan_out import webhook_event_fan_out

BODIES = {"patch": {"description": "changed"}, "post": {"since": "2020-01-01T00:00:00Z"}}


def _id_routes() -> list[tuple[str, str]]:
    """(method, route with ``{id}``) for every webhook route with an id, every method it has."""
    routes = []
    for pattern in webhook_views.urlpatterns:
        assert isinstance(pattern, URLPattern)
        route = str(pattern.pattern)
        if "<str:" not in route:
            continue
        path = "/v1/" + route.replace("<str:endpoint_id>", "{id}").replace(
            "<str:delivery_id>", "{id}"
        )
        view = pattern.callback.view_class
        routes += [
            (method, path) for method in ("get", "post", "patch", "delete") if hasattr(view, method)
        ]
    return routes


ID_ROUTES = _id_routes()

# Printed as they travel in the URL (percent-encoded where a client must encode them).
BAD_IDS = {
    **{f"C0 {code:#04x}": quote(f"we_01{chr(code)}X", safe="") for code in range(0x20)},
    "DEL": quote("we_01\x7fX", safe=""),
    "NUL alone": "%00",
    "lone surrogate (its UTF-8 bytes, as a client would escape it)": "we_01%ED%A0%80",
    "escaped lone surrogate in JSON style": quote("we_\\ud800", safe=""),
    "overlong": "we_" + "A" * 200,
    "overlong, all NUL": "%00" * 300,
    "wrong prefix": new_id("chl"),
    "trailing newline": quote(new_id("we") + "\n", safe=""),
    "spaces": quote("we_ 01", safe=""),
    "non-ASCII": quote("we_01é", safe=""),
}


def test_every_id_route_is_covered():
    # 9 endpoint routes' methods and 3 delivery routes': a route added without an id guard fails
    # the matrix below rather than production.
    assert len(ID_ROUTES) == 12, ID_ROUTES
    assert all("{id}" in path for _, path in ID_ROUTES)


@pytest.mark.parametrize("bad_id", list(BAD_IDS.values()), ids=list(BAD_IDS))
@pytest.mark.parametrize(("method", "route"), ID_ROUTES)
def test_ids_that_cannot_be_ours_are_404_not_found(api, tenant, settings, method, route, bad_id):
    # given: an endpoint with a delivery, whose state must not move
    settings.WEBHOOK_ALLOWED_PRIVATE_HOSTS = ["127.0.0.1:9"]
    endpoint = api.post("/v1/webhook_endpoints", {"url": "http://127.0.0.1:9/", "events": ["*"]})
    assert endpoint.status_code == 201, endpoint.content
    with tenant_context(tenant):
        webhook_event_fan_out(event_id=event_emit(type="challenge.created", data={}).id)
        before = list(WebhookEndpoint.objects.values()), list(WebhookDelivery.objects.values())
    path = route.format(id=bad_id)
    # when
    if method in BODIES:
        response = getattr(api, method)(path, BODIES[method])
    else:
        response = getattr(api, method)(path)
    # then
    body = problem(response, 404, "not_found")
    assert body["resource"] in ("webhook_endpoint", "webhook_delivery")
    with tenant_context(tenant):
        after = list(WebhookEndpoint.objects.values()), list(WebhookDelivery.objects.values())
    assert after == before


@pytest.mark.parametrize(
    ("value", "prefix", "expected"),
    [
        (new_id("we"), "we", True),
        (new_id("wd"), "wd", True),
        (new_id("wd"), "we", False),
        (new_id("we"), None, True),
        ("we_01\x00", "we", False),
        ("we_01\ud800", "we", False),
        ("we_01\n", "we", False),
        ("we_" + "A" * 37, "we", False),
        ("we_", "we", False),
        (None, None, False),
        (42, None, False),
    ],
)
def test_the_id_guard(value, prefix, expected):
    assert id_is_wellformed(value, prefix=prefix) is expected
