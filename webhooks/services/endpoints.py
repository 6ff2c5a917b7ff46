"""Writes of webhook endpoints: create, update, delete, rotate the signing secret, recover failed
deliveries, and disable an endpoint the platform gave up on.

The test ``ping`` is in ``webhooks.services.fan_out``: it is an event fanned out to one endpoint.
"""

import logging
from datetime import datetime, timedelta
from functools import partial

from django.core.mail import send_mail
from django.db import connection, transaction
from django.utils import timezone

from core.errors import ConflictError, DomainError
from events.services import event_emit
from events.types import ALL_EVENT_TYPES, event_type_pattern_validate
from webhooks.models import WebhookDelivery, WebhookEndpoint
from webhooks.queue import deliveries_enqueue_on_commit
from webhooks.sender import Resolver, UnsafeUrlError, url_check
from webhooks.signing import secret_generate

logger = logging.getLogger(__name__)

PREVIOUS_SECRET_VALID_FOR = timedelta(hours=24)


class InvalidWebhookUrlError(DomainError):
    status = 422
    code = "invalid_webhook_url"
    title = "Invalid webhook URL"


def _url_validate(url: str, resolver: Resolver | None) -> str:
    try:
        url_check(url, resolver=resolver)
    except UnsafeUrlError as error:
        raise InvalidWebhookUrlError(str(error), field="url") from None
    return url


def _event_types_clean(event_types: list[str]) -> list[str]:
    """The subscription as stored: valid patterns (``events.types``: the same check as
    ``/v1/events?type=``), de-duplicated and sorted; ``*`` stands alone."""
    patterns = {event_type.strip() for event_type in event_types if event_type.strip()}
    if not patterns:
        raise DomainError("Subscribe to at least one event type, or '*' for all.", field="events")
    for pattern in patterns:
        event_type_pattern_validate(pattern, field="events")
    return [ALL_EVENT_TYPES] if ALL_EVENT_TYPES in patterns else sorted(patterns)


def webhook_endpoint_create(
    *,
    url: str,
    event_types: list[str],
    description: str = "",
    is_enabled: bool = True,
    resolver: Resolver | None = None,
) -> WebhookEndpoint:
    """Register an endpoint in the current schema (live or sandbox: it receives that mode's
    events only). The URL is checked now (scheme, public address) and again at every delivery."""
    now = timezone.now()
    return WebhookEndpoint.objects.create(
        url=_url_validate(url, resolver),
        description=description,
        event_types=_event_types_clean(event_types),
        is_enabled=is_enabled,
        disabled_at=None if is_enabled else now,
        disabled_reason="" if is_enabled else "disabled by the user",
        secret=secret_generate(),
        created_at=now,
        updated_at=now,
    )


def webhook_endpoint_update(
    *,
    endpoint: WebhookEndpoint,
    url: str | None = None,
    description: str | None = None,
    event_types: list[str] | None = None,
    is_enabled: bool | None = None,
    resolver: Resolver | None = None,
) -> WebhookEndpoint:
    now = timezone.now()
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        if url is not None:
            endpoint.url = _url_validate(url, resolver)
        if description is not None:
            endpoint.description = description
        if event_types is not None:
            endpoint.event_types = _event_types_clean(event_types)
        if is_enabled is True and not endpoint.is_enabled:
            # A fresh start: the failure streak that may have disabled it is forgotten.
            endpoint.is_enabled, endpoint.disabled_at, endpoint.disabled_reason = True, None, ""
            endpoint.failing_since = None
        elif is_enabled is False and endpoint.is_enabled:
            _endpoint_mark_disabled(endpoint, reason="disabled by the user", now=now)
        endpoint.updated_at = now
        endpoint.save()
    return endpoint


def webhook_endpoint_delete(*, endpoint: WebhookEndpoint) -> None:
    endpoint.delete()  # deliveries and attempts go with it (CASCADE)


def webhook_endpoint_rotate_secret(
    *, endpoint: WebhookEndpoint, now: datetime | None = None
) -> WebhookEndpoint:
    """Issue a new secret. The old one keeps signing next to it for 24 h, so receivers can switch
    without missing a beat; a second rotation within that window retires the oldest at once."""
    now = now or timezone.now()
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        endpoint.previous_secret = endpoint.secret
        endpoint.previous_secret_expires_at = now + PREVIOUS_SECRET_VALID_FOR
        endpoint.secret = secret_generate()
        endpoint.updated_at = now
        endpoint.save()
    return endpoint


def webhook_endpoint_signing_secrets(
    endpoint: WebhookEndpoint, *, now: datetime | None = None
) -> list[str]:
    now = now or timezone.now()
    secrets_ = [endpoint.secret]
    if endpoint.previous_secret and endpoint.previous_secret_expires_at > now:
        secrets_.append(endpoint.previous_secret)
    return secrets_


def webhook_endpoint_recover(
    *, endpoint: WebhookEndpoint, since: datetime, now: datetime | None = None
) -> int:
    """Send again every delivery of ``endpoint`` created since ``since`` that has not succeeded
    (failed or exhausted), now. Returns how many."""
    if not endpoint.is_enabled:
        raise ConflictError("The endpoint is disabled; enable it first.", code="endpoint_disabled")
    now = now or timezone.now()
    with transaction.atomic():
        ids = list(
            WebhookDelivery.objects.filter(
                endpoint=endpoint,
                created_at__gte=since,
                status__in=[WebhookDelivery.Status.FAILED, WebhookDelivery.Status.EXHAUSTED],
            ).values_list("id", flat=True)
        )
        WebhookDelivery.objects.filter(id__in=ids).update(
            status=WebhookDelivery.Status.PENDING, next_attempt_at=now, enqueued_at=now
        )
        deliveries_enqueue_on_commit(ids)
    return len(ids)


def livemode() -> bool:
    """Whether the current schema holds live data (``False`` in a sandbox schema)."""
    return not getattr(getattr(connection, "tenant", None), "is_sandbox", False)


def _endpoint_mark_disabled(endpoint: WebhookEndpoint, *, reason: str, now: datetime) -> None:
    """Disable (caller saves ``endpoint``) and stop its outstanding deliveries."""
    endpoint.is_enabled, endpoint.disabled_at, endpoint.disabled_reason = False, now, reason
    WebhookDelivery.objects.filter(endpoint=endpoint, next_attempt_at__isnull=False).update(
        status=WebhookDelivery.Status.EXHAUSTED,
        next_attempt_at=None,
        locked_until=None,
        last_error=f"endpoint disabled: {reason}",
    )


def webhook_endpoint_disable_for_failures(*, endpoint_id: str, reason: str, now: datetime) -> bool:
    """Disable an endpoint the platform gave up on: owners are emailed and a
    ``webhook_endpoint.disabled`` event is emitted. Returns False if it was disabled already."""
    with transaction.atomic():
        endpoint = (
            WebhookEndpoint.objects.select_for_update().filter(pk=endpoint_id, is_enabled=True)
        ).first()
        if endpoint is None:
            return False
        _endpoint_mark_disabled(endpoint, reason=reason, now=now)
        endpoint.updated_at = now
        endpoint.save()
        event_emit(type="webhook_endpoint.disabled", data=endpoint.as_public(livemode=livemode()))
        transaction.on_commit(partial(_owners_email_disabled, endpoint=endpoint))
    logger.warning("webhook endpoint %s disabled: %s", endpoint_id, reason)
    return True


def _owners_email_disabled(*, endpoint: WebhookEndpoint) -> None:
    from tenants.models import Membership

    tenant = getattr(connection, "tenant", None)
    if tenant is None or not hasattr(tenant, "organisation"):
        return
    organisation = tenant.organisation
    recipients = list(
        Membership.objects.filter(
            tenant=organisation, role__in=[Membership.Role.OWNER, Membership.Role.ADMIN]
        ).values_list("user__email", flat=True)
    )
    if not recipients:
        return
    mode = "sandbox" if getattr(tenant, "is_sandbox", False) else "live"
    try:
        send_mail(
            subject=f"[OpenChance] Webhook endpoint disabled: {endpoint.url}",
            message=(
                f"The {mode} webhook endpoint {endpoint.id} ({endpoint.url}) of "
                f"{organisation.name} was disabled: {endpoint.disabled_reason}.\n\n"
                "Deliveries to it have stopped. Fix the receiver, enable the endpoint again and "
                "recover the failed deliveries (POST /v1/webhook_endpoints/"
                f"{endpoint.id}/recover).\n"
            ),
            from_email=None,
            recipient_list=recipients,
        )
    except Exception:  # the endpoint is disabled either way; a mail outage must not undo it
        logger.exception("could not email the owners about disabled endpoint %s", endpoint.id)
