"""The gateway's own endpoints. Thin: everything they show comes from the gateway's context."""

from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound

from api.bases import ApiView
from api.gateway import KeyContext, LimitResult
from api.responses import Response
from api.serializers import MeSerializer
from core.timestamps import timestamp_render


class MeView(ApiView):
    """``GET /v1/me``: who am I — tenant, key, plan, limits and usage in the current period."""

    @extend_schema(responses=MeSerializer, summary="The calling key, its tenant, plan and usage")
    def get(self, request):
        return Response(me_render(request.api_key, self.limit_result))


def me_render(context: KeyContext, limit: LimitResult) -> dict:
    """The /v1/me body, built directly: the hottest route of the API does not pay for a nested
    serializer (six serializers deep-copied per call). ``MeSerializer`` describes the shape for
    OpenAPI, and a test holds the two equal."""
    calls = limit.period_calls
    included = limit.included_calls
    plan = context.plan
    return {
        "object": "me",
        "tenant": {
            "id": context.organisation.slug,
            "name": context.organisation.name,
            "livemode": context.livemode,
        },
        "key": {
            "id": context.key_id,
            "name": context.key_name,
            "mode": context.mode,
            "scopes": sorted(context.scopes),
            "display": f"{context.display_prefix}…{context.last_four}",
            "expires_at": timestamp_render(context.key_expires_at),
        },
        "plan": {
            "code": plan.code,
            "name": plan.name,
            "included_calls": included,
            "is_hard_cap": plan.is_hard_cap,
        },
        "limits": {
            "rate_per_second": limit.rate_per_second,
            "burst": limit.limit,
            "remaining": limit.remaining,
            "reset_seconds": limit.reset_seconds,
            "is_degraded": limit.is_degraded,
        },
        "usage": {
            "period_start": timestamp_render(limit.period_start),
            "period_end": timestamp_render(limit.period_end),
            "billable_calls": calls,
            "included_calls": included,
            "overage_calls": (
                max(0, calls - included) if calls is not None and included is not None else None
            ),
        },
    }


@extend_schema(exclude=True)
class UnknownRouteView(ApiView):
    """Anything under /v1 that matches no route: a 404 problem, after the gateway, so the answer
    carries the rate-limit headers and counts against the limits like any call (probing unknown
    routes is not free, and a client learns nothing about routes without a valid key)."""

    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]
    is_unmatched_route = True

    def _not_found(self, request, *args, **kwargs):
        raise NotFound(f"No route matches {request.method} {request.path}.")

    get = post = put = patch = delete = head = options = _not_found
