"""Reads of webhooks in the current schema: endpoints, deliveries and attempts.

The ``*_get`` functions are the access-checked fetches: the object or one ``NotFoundError``
(code ``not_found``, as everywhere in the API). The current schema *is* the caller's tenant and
mode, so an id from another tenant or the other mode is simply not found, the same as a missing
one; an id that cannot be one of ours (wrong prefix, control characters, surrogates, too long —
``core.ids.id_is_wellformed``) is answered the same way without a query.
"""

from datetime import datetime

from django.db.models import Count, Q, QuerySet

from core.errors import NotFoundError
from core.ids import id_is_wellformed
from webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint


def _not_found(noun: str, object_id) -> NotFoundError:
    return NotFoundError(
        f"No such {noun.replace('_', ' ')}: {str(object_id)[:60]!r}.", resource=noun
    )


def webhook_endpoint_list() -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.all()


def webhook_endpoint_get(*, endpoint_id: str) -> WebhookEndpoint:
    endpoint = None
    if id_is_wellformed(endpoint_id, prefix="we"):
        endpoint = WebhookEndpoint.objects.filter(pk=endpoint_id).first()
    if endpoint is None:
        raise _not_found("webhook_endpoint", endpoint_id)
    return endpoint


def webhook_delivery_list(
    *,
    endpoint_id: str | None = None,
    event_id: str | None = None,
    statuses: list[str] | None = None,
) -> QuerySet[WebhookDelivery]:
    deliveries = WebhookDelivery.objects.select_related("event").defer("event__data")
    if endpoint_id is not None:
        deliveries = deliveries.filter(endpoint_id=endpoint_id)
    if event_id is not None:
        deliveries = deliveries.filter(event_id=event_id)
    if statuses:
        deliveries = deliveries.filter(status__in=statuses)
    return deliveries


def webhook_delivery_get(*, delivery_id: str) -> WebhookDelivery:
    delivery = None
    if id_is_wellformed(delivery_id, prefix="wd"):
        delivery = webhook_delivery_list().filter(pk=delivery_id).first()
    if delivery is None:
        raise _not_found("webhook_delivery", delivery_id)
    return delivery


def webhook_attempt_list(
    *,
    delivery_id: str | None = None,
    endpoint_id: str | None = None,
    event_id: str | None = None,
) -> QuerySet[WebhookAttempt]:
    attempts = WebhookAttempt.objects.select_related("delivery").only(
        *[f.name for f in WebhookAttempt._meta.concrete_fields],
        "delivery__endpoint_id",
        "delivery__event_id",
    )
    if delivery_id is not None:
        attempts = attempts.filter(delivery_id=delivery_id)
    if endpoint_id is not None:
        attempts = attempts.filter(delivery__endpoint_id=endpoint_id)
    if event_id is not None:
        attempts = attempts.filter(delivery__event_id=event_id)
    return attempts


# --- The portal's webhook pages (portal.pages.webhooks)

_EMPTY_STATS = {"total": 0, "succeeded": 0, "failing": 0, "pending": 0}


def _delivery_stats(*, since: datetime, endpoint_id: str | None = None) -> dict[str, dict]:
    deliveries = WebhookDelivery.objects.filter(created_at__gte=since)
    if endpoint_id is not None:
        deliveries = deliveries.filter(endpoint_id=endpoint_id)
    Status = WebhookDelivery.Status
    rows = deliveries.values("endpoint_id").annotate(
        total=Count("id"),
        succeeded=Count("id", filter=Q(status=Status.SUCCEEDED)),
        failing=Count("id", filter=Q(status__in=[Status.FAILED, Status.EXHAUSTED])),
        pending=Count("id", filter=Q(status=Status.PENDING)),
    )
    return {row.pop("endpoint_id"): row for row in rows}


def webhook_endpoint_list_with_stats(*, since: datetime) -> list[WebhookEndpoint]:
    """Every endpoint of the current schema, newest first, each with ``delivery_stats`` — its
    deliveries created since ``since``: ``total``, ``succeeded``, ``failing`` (failed or
    exhausted), ``pending``. Two queries, however many endpoints."""
    endpoints = list(webhook_endpoint_list())
    stats = _delivery_stats(since=since) if endpoints else {}
    for endpoint in endpoints:
        endpoint.delivery_stats = stats.get(endpoint.pk, dict(_EMPTY_STATS))
    return endpoints


def webhook_endpoint_get_with_stats(*, endpoint_id: str, since: datetime) -> WebhookEndpoint:
    """``webhook_endpoint_get`` plus the ``delivery_stats`` of ``webhook_endpoint_list_with_stats``
    (two queries)."""
    endpoint = webhook_endpoint_get(endpoint_id=endpoint_id)
    stats = _delivery_stats(since=since, endpoint_id=endpoint.pk)
    endpoint.delivery_stats = stats.get(endpoint.pk, dict(_EMPTY_STATS))
    return endpoint
