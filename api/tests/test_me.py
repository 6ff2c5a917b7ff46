"""``GET /v1/me`` renders its body directly (``api.views.me_render``); ``MeSerializer`` is what
the OpenAPI document shows. They must not drift apart."""

from datetime import timedelta

import pytest
from django.utils import timezone

from api.gateway import key_authenticate, rate_limit_check
from api.serializers import MeSerializer
from api.views import me_render
from apikeys.services import api_key_create

pytestmark = pytest.mark.django_db


def _serialized(context, limit) -> dict:
    """The body as the serializer renders it, from the sources its fields name."""
    calls, included = limit.period_calls, limit.included_calls
    return MeSerializer(
        {
            "object": "me",
            "tenant": {
                "slug": context.organisation.slug,
                "name": context.organisation.name,
                "livemode": context.livemode,
            },
            "key": {
                "key_id": context.key_id,
                "key_name": context.key_name,
                "mode": context.mode,
                "scopes": sorted(context.scopes),
                "display": f"{context.display_prefix}…{context.last_four}",
                "key_expires_at": context.key_expires_at,
            },
            "plan": {
                "code": context.plan.code,
                "name": context.plan.name,
                "included_calls": included,
                "is_hard_cap": context.plan.is_hard_cap,
            },
            "limits": {
                "rate_per_second": limit.rate_per_second,
                "burst": limit.limit,
                "remaining": limit.remaining,
                "reset_seconds": limit.reset_seconds,
                "is_degraded": limit.is_degraded,
            },
            "usage": {
                "period_start": limit.period_start,
                "period_end": limit.period_end,
                "billable_calls": calls,
                "included_calls": included,
                "overage_calls": max(0, calls - included)
                if calls is not None and included is not None
                else None,
            },
        }
    ).data


@pytest.mark.parametrize("mode", ["live", "test"])
@pytest.mark.parametrize("expires", [False, True])
def test_the_rendered_body_is_what_the_serializer_documents(tenant, mode, expires):
    expires_at = timezone.now() + timedelta(days=3, microseconds=123) if expires else None
    issued = api_key_create(
        tenant=tenant, name="me shape", mode=mode, scopes=["challenges:read"], expires_at=expires_at
    )
    context = key_authenticate(issued.secret, host_tenant=None)
    limit = rate_limit_check(context)

    rendered = me_render(context, limit)

    assert rendered == _serialized(context, limit)
    assert set(rendered) == set(MeSerializer().fields)


def test_the_me_route_answers_the_rendered_body(api_client_factory, tenant):
    issued = api_key_create(tenant=tenant, name="me route", mode="live")
    body = api_client_factory(issued.secret).get("/v1/me").json()

    assert body["key"]["id"] == issued.api_key.pk and body["key"]["expires_at"] is None
    assert body["usage"]["period_start"].endswith("Z")
    assert set(body) == set(MeSerializer().fields)
