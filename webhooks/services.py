"""Writes of webhooks: endpoints (create, update, rotate, test, recover), fan-out of the event
outbox into deliveries, delivery attempts with their retry schedule, and the sweeper.

Delivery state lives in PostgreSQL. A delivery is *due* while ``next_attempt_at <= now``; a
worker claims it with an atomic UPDATE that sets a lease (``locked_until``), so two tasks for the
same delivery never both send it, and a worker that dies mid-attempt only delays it: once the lease
and ``WEBHOOK_REQUEUE_AFTER_SECONDS`` have passed, the sweeper (Celery beat) enqueues it again.
Delivery is therefore at-least-once; receivers dedupe on ``webhook-id`` (the event id).

Every function that reads the clock takes ``now`` so tests (and the sweeper) can move time.
"""

import json
import logging
import os
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.errors import ConflictError, DomainError
from events.models import Event
from events.services import event_emit
from webhooks.models import (
    ALL_EVENTS,
    EventDispatch,
    FanOutWatermark,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from webhooks.sender import Resolver, SendResult, UnsafeUrlError, url_check, webhook_post
from webhooks.signing import secret_generate, signed_headers

logger = logging.getLogger(__name__)

# Delay before attempt n+1 (seconds), indexed by the number of attempts already made: the first
# attempt is immediate, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h and 24 h (10 in all).
RETRY_SCHEDULE_SECONDS = (0, 5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400)
RETRY_JITTER = 0.1  # each delay is stretched by up to 10 %, so retries of a burst spread out
MAX_RETRY_AFTER_SECONDS = 86400
DISABLE_AFTER_FAILING_FOR = timedelta(days=5)
PREVIOUS_SECRET_VALID_FOR = timedelta(hours=24)
# Retries this close are enqueued with a countdown; later ones are picked up by the sweeper.
COUNTDOWN_MAX_SECONDS = 60
# Events younger than this are left to their own fan-out task before the sweeper steps in.
FAN_OUT_GRACE = timedelta(seconds=30)
FAN_OUT_HORIZON = timedelta(days=3)
SWEEP_BATCH = 1000
USER_AGENT = "OpenChance-Webhooks/1 (+https://docs.openchance.dev/webhooks)"

_jitter = random.Random()  # noqa: S311 - spreading retries, not security


class InvalidWebhookUrlError(DomainError):
    status = 422
    code = "invalid_webhook_url"
    title = "Invalid webhook URL"


# --- Endpoints


def _url_validate(url: str, resolver: Resolver | None) -> str:
    try:
        url_check(url, resolver=resolver)
    except UnsafeUrlError as error:
        raise InvalidWebhookUrlError(str(error), field="url") from None
    return url


def _event_types_clean(event_types: list[str]) -> list[str]:
    cleaned = sorted({event_type.strip() for event_type in event_types if event_type.strip()})
    if not cleaned:
        raise DomainError("Subscribe to at least one event type, or '*' for all.", field="events")
    return [ALL_EVENTS] if ALL_EVENTS in cleaned else cleaned


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


def webhook_endpoint_test(*, endpoint: WebhookEndpoint, request_id: str = "") -> WebhookDelivery:
    """Send a ``ping`` event to this endpoint only (it is not fanned out to any other)."""
    if not endpoint.is_enabled:
        raise ConflictError("The endpoint is disabled; enable it first.", code="endpoint_disabled")
    now = timezone.now()
    with transaction.atomic():
        event = Event.objects.create(
            type="ping",
            data={"object": "webhook_endpoint", "id": endpoint.id, "url": endpoint.url},
            livemode=_livemode(),
            request_id=request_id,
        )
        EventDispatch.objects.create(event=event)
        delivery = WebhookDelivery.objects.create(
            endpoint=endpoint, event=event, next_attempt_at=now, enqueued_at=now
        )
        _enqueue_on_commit([delivery.id])
    return delivery


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
        _enqueue_on_commit(ids)
    return len(ids)


def webhook_delivery_retry(
    *, delivery: WebhookDelivery, now: datetime | None = None
) -> WebhookDelivery:
    """Attempt one delivery again now, whatever its state (a succeeded one is re-sent: replay)."""
    now = now or timezone.now()
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update()
            .select_related("endpoint")
            .get(pk=delivery.pk)
        )
        if not delivery.endpoint.is_enabled:
            raise ConflictError(
                "The endpoint is disabled; enable it first.", code="endpoint_disabled"
            )
        delivery.status = WebhookDelivery.Status.PENDING
        delivery.next_attempt_at = now
        delivery.enqueued_at = now
        delivery.save(update_fields=["status", "next_attempt_at", "enqueued_at"])
        _enqueue_on_commit([delivery.id])
    return delivery


def _livemode() -> bool:
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


def _endpoint_disable_for_failures(*, endpoint_id: str, reason: str, now: datetime) -> bool:
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
        event_emit(type="webhook_endpoint.disabled", data=endpoint.as_public(livemode=_livemode()))
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


# --- Fan-out


def webhook_event_fan_out(
    *,
    event_id: str,
    now: datetime | None = None,
    attempt_inline: bool = False,
    resolver: Resolver | None = None,
) -> list[str]:
    """Create one delivery per enabled endpoint subscribed to the event (current schema), enqueue
    them and publish the event to the WebSocket stream. Idempotent: an event is fanned out once
    (``EventDispatch``), so a redelivered task or the sweeper create no duplicates.

    With ``attempt_inline`` (the fan-out task) the first attempts to healthy endpoints are made
    right here as one batch (``_batch_attempt``), once the deliveries are committed, instead of
    by a task each; an endpoint that is failing gets a task per delivery, so it never takes a
    place in the batch. Must then run outside a transaction, like every attempt.
    """
    now = now or timezone.now()
    event = Event.objects.filter(pk=event_id).first()
    if event is None:
        return []
    with transaction.atomic():
        _, created = EventDispatch.objects.get_or_create(event=event)
        if not created:
            return []
        endpoints = list(
            WebhookEndpoint.objects.filter(is_enabled=True).filter(
                Q(event_types__contains=[event.type]) | Q(event_types__contains=[ALL_EVENTS])
            )
        )
        # The batch's deliveries are created claimed (leased, attempt 1 under way), so the lease
        # is committed with them, before any request goes out, without a statement of its own.
        lease = {
            "locked_until": now + timedelta(seconds=settings.WEBHOOK_LEASE_SECONDS),
            "attempt_count": 1,
            "last_attempt_at": now,
        }
        deliveries = WebhookDelivery.objects.bulk_create(
            [
                WebhookDelivery(
                    endpoint=endpoint,
                    event=event,
                    next_attempt_at=now,
                    enqueued_at=now,
                    created_at=now,
                    **(lease if attempt_inline and endpoint.failing_since is None else {}),
                )
                for endpoint in endpoints
            ]  # fmt: skip
        )
        batch = [
            _Claim(delivery=delivery, endpoint=delivery.endpoint, event=event)
            for delivery in deliveries
            if delivery.locked_until is not None
        ]
        _enqueue_on_commit(
            [delivery.id for delivery in deliveries if delivery.locked_until is None]
        )
        transaction.on_commit(
            partial(_stream_publish, schema_name=connection.schema_name, event=event)
        )
    if batch:
        _batch_attempt(batch, now=now, resolver=resolver)
    return [delivery.id for delivery in deliveries]


def _stream_publish(*, schema_name: str, event: Event) -> None:
    from webhooks.stream import stream_publish

    try:
        stream_publish(schema_name=schema_name, payload=event.as_payload())
    except Exception:  # the stream is best effort; webhooks do not depend on it
        logger.exception("could not publish event %s to the stream", event.id)


def _enqueue_on_commit(delivery_ids: list[str], *, countdown: float | None = None) -> None:
    """Enqueue one attempt task per delivery once the transaction commits, stamped with the
    current schema explicitly (the callback may run after the caller left the tenant context)."""
    if not delivery_ids:
        return
    schema_name = connection.schema_name

    def enqueue() -> None:
        from webhooks.tasks import webhook_delivery_attempt_task

        for delivery_id in delivery_ids:
            webhook_delivery_attempt_task.apply_async(
                (delivery_id,),
                countdown=countdown,
                queue=settings.WEBHOOK_QUEUE,
                headers={"_schema_name": schema_name},
            )

    transaction.on_commit(enqueue)


# --- Attempts


def retry_delay(
    *, attempts_made: int, retry_after_seconds: float | None = None
) -> timedelta | None:
    """How long to wait before the next attempt, or None when the schedule is used up."""
    if attempts_made >= len(RETRY_SCHEDULE_SECONDS):
        return None
    base = RETRY_SCHEDULE_SECONDS[attempts_made]
    seconds = base + _jitter.uniform(0, base * RETRY_JITTER)
    if retry_after_seconds:
        seconds = max(seconds, min(retry_after_seconds, MAX_RETRY_AFTER_SECONDS))
    return timedelta(seconds=seconds)


def event_body(event: Event) -> bytes:
    return json.dumps(event.as_payload(), separators=(",", ":")).encode()


@dataclass(frozen=True)
class _Claim:
    delivery: WebhookDelivery
    endpoint: WebhookEndpoint
    event: Event


def _columns(model) -> list:
    return list(model._meta.concrete_fields)


def _instance(model, fields: list, values) -> models.Model:
    converted = [
        field.from_db_value(value, None, connection) if hasattr(field, "from_db_value") else value
        for field, value in zip(fields, values, strict=True)
    ]
    return model.from_db(connection.alias, [field.attname for field in fields], converted)


def _delivery_claim(delivery_id: str, now: datetime) -> _Claim | None:
    """Take the lease of a due delivery and load it with its endpoint and event: one statement
    (the hot path of every attempt made by a task). None if it is not due or another worker
    holds it."""
    lease_until = now + timedelta(seconds=settings.WEBHOOK_LEASE_SECONDS)
    parts = [
        ("d", _columns(WebhookDelivery)),
        ("e", _columns(WebhookEndpoint)),
        ("ev", _columns(Event)),
    ]
    returning = ", ".join(
        f'{alias}."{field.column}"' for alias, fields in parts for field in fields
    )
    sql = (
        f'UPDATE "{WebhookDelivery._meta.db_table}" AS d SET locked_until = %s, '  # noqa: S608
        "attempt_count = d.attempt_count + 1, last_attempt_at = %s "
        f'FROM "{WebhookEndpoint._meta.db_table}" AS e, "{Event._meta.db_table}" AS ev '
        "WHERE d.id = %s AND d.next_attempt_at <= %s "
        "AND (d.locked_until IS NULL OR d.locked_until < %s) "
        f"AND e.id = d.endpoint_id AND ev.id = d.event_id RETURNING {returning}"
    )
    # Identifiers come from model metadata; every value is bound.
    with connection.cursor() as cursor:
        cursor.execute(sql, [lease_until, now, delivery_id, now, now])
        row = cursor.fetchone()
    if row is None:
        return None
    instances, start = [], 0
    for (_, fields), model in zip(parts, (WebhookDelivery, WebhookEndpoint, Event), strict=True):
        instances.append(_instance(model, fields, row[start : start + len(fields)]))
        start += len(fields)
    delivery, endpoint, event = instances
    delivery.endpoint, delivery.event = endpoint, event
    return _Claim(delivery=delivery, endpoint=endpoint, event=event)


def _claims_release(claims: list[_Claim], **changes) -> None:
    """Give back leases taken for attempts that were not made (the claim's attempt count is
    undone), with ``changes`` to the deliveries."""
    WebhookDelivery.objects.filter(pk__in=[claim.delivery.pk for claim in claims]).update(
        locked_until=None, attempt_count=F("attempt_count") - 1, **changes
    )


def _request_send(
    claim: _Claim, *, body: bytes, now: datetime, resolver: Resolver | None
) -> SendResult:
    """Sign and POST one attempt (no database access: batches call this from their threads)."""
    # The timestamp is the wall clock of this attempt (receivers check it), never a test clock.
    headers = signed_headers(
        secrets_=webhook_endpoint_signing_secrets(claim.endpoint, now=now),
        message_id=claim.event.id,
        timestamp=int(time.time()),
        body=body,
    )
    headers.update({"Content-Type": "application/json", "User-Agent": USER_AGENT})
    return webhook_post(claim.endpoint.url, body=body, headers=headers, resolver=resolver)


def webhook_delivery_attempt(
    *, delivery_id: str, now: datetime | None = None, resolver: Resolver | None = None
) -> WebhookAttempt | None:
    """Attempt a due delivery once, record the attempt and schedule what follows.

    Returns None without sending when the delivery is not due or another worker holds it (so
    duplicate tasks are harmless). Must run outside a transaction in production: the claim is
    committed before the request goes out, and nothing stays locked during the request.
    """
    now = now or timezone.now()
    claim = _delivery_claim(delivery_id, now)
    if claim is None:
        return None
    if not claim.endpoint.is_enabled:
        _claims_release(
            [claim],
            status=WebhookDelivery.Status.EXHAUSTED,
            next_attempt_at=None,
            last_error="endpoint disabled",
        )
        return None
    result = _request_send(claim, body=event_body(claim.event), now=now, resolver=resolver)
    return _attempt_record_unless_vanished(claim, result, now=now)


def _attempt_record_unless_vanished(claim: _Claim, result, *, now: datetime):
    try:
        return _attempt_record(claim, result, now=now)
    except IntegrityError:
        if WebhookDelivery.objects.filter(pk=claim.delivery.pk).exists():
            raise
        # The endpoint (and its deliveries) was deleted while the request was in flight.
        logger.info("delivery %s vanished with its endpoint during the attempt", claim.delivery.pk)
        return None


# A batch of first attempts (``_batch_attempt``) sends this many requests at once per
# worker process. Requests whose turn has not come BATCH_BUDGET_SECONDS after the batch started
# are handed to tasks of their own, so slow receivers cannot keep the others waiting for long
# nor outlive the lease (WEBHOOK_LEASE_SECONDS > budget + the 15 s of a request).
BATCH_THREADS = 8
BATCH_BUDGET_SECONDS = 10.0
BATCH_RECORD_INTERVAL_SECONDS = 0.1

_batch_pool: ThreadPoolExecutor | None = None
_batch_pool_pid: int | None = None
_batch_pool_lock = threading.Lock()


def _batch_threads() -> ThreadPoolExecutor:
    """The request threads of this process (made after a prefork worker forked: threads do not
    survive a fork). They only sign and send; every database access stays on the caller's
    thread, with its connection and tenant schema."""
    global _batch_pool, _batch_pool_pid
    with _batch_pool_lock:
        if _batch_pool is None or _batch_pool_pid != os.getpid():
            _batch_pool = ThreadPoolExecutor(BATCH_THREADS, thread_name_prefix="webhooks")
            _batch_pool_pid = os.getpid()
        return _batch_pool


def _batch_attempt(
    claims: list[_Claim], *, now: datetime, resolver: Resolver | None
) -> list[WebhookAttempt]:
    """Make the claimed attempts at once: the requests are sent by ``BATCH_THREADS`` threads and
    the successes recorded in bulk as they come in (a slow receiver delays nobody else's record).
    Failures are recorded one by one and retried by tasks of their own, as
    ``webhook_delivery_attempt`` does. A request that could not start within
    ``BATCH_BUDGET_SECONDS`` (or whose sending raised) is handed back to a task of its own.

    The same guarantees as a single attempt: the leases were committed before this runs, so a
    worker killed mid-batch leaves leased deliveries that the sweeper re-enqueues. Must run
    outside a transaction.
    """
    bodies = {claim.event.pk: event_body(claim.event) for claim in claims}
    started = time.monotonic()
    deadline = started + BATCH_BUDGET_SECONDS

    def send(claim: _Claim) -> tuple[_Claim, datetime, SendResult] | None:
        if time.monotonic() > deadline:
            return None  # its turn came too late: a task of its own will make it
        attempted_at = now + timedelta(seconds=time.monotonic() - started)
        try:
            result = _request_send(
                claim, body=bodies[claim.event.pk], now=attempted_at, resolver=resolver
            )
        except Exception:  # one endpoint's surprise must not cost the others their records
            logger.exception("delivery %s failed in its batch; it gets a task", claim.delivery.pk)
            return None
        return claim, attempted_at, result

    pending = {_batch_threads().submit(send, claim): claim for claim in claims}
    attempts, unsent = [], []
    try:
        while pending:
            # What came back within the interval is recorded together: one statement for a
            # batch of quick receivers, and a slow one delays the others' records that much.
            done, _ = wait(pending, timeout=BATCH_RECORD_INTERVAL_SECONDS)
            sent = []
            for future in done:
                claim = pending.pop(future)
                outcome = future.result()
                if outcome is None:
                    unsent.append(claim)
                else:
                    sent.append(outcome)
            attempts += _attempts_record(sent)
    finally:
        for future in pending:  # only after an error: the sweeper takes over their leases
            future.cancel()
    if unsent:
        _claims_release(unsent, enqueued_at=now + timedelta(seconds=time.monotonic() - started))
        _enqueue_on_commit([claim.delivery.pk for claim in unsent])
    return attempts


def _attempts_record(sent: list[tuple[_Claim, datetime, SendResult]]) -> list[WebhookAttempt]:
    """Record what a batch sent: every success in one statement, each failure on its own."""
    attempts = []
    successes = []
    for claim, attempted_at, result in sent:
        if result.is_success:
            successes.append((_attempt_new(claim, result, now=attempted_at), claim, attempted_at))
        else:
            attempt = _attempt_record_unless_vanished(claim, result, now=attempted_at)
            if attempt is not None:
                attempts.append(attempt)
    if successes:
        try:
            _successes_record(successes)
            attempts += [attempt for attempt, _, _ in successes]
        except IntegrityError:
            # An endpoint was deleted during its request: record one by one, skipping it.
            for _attempt, claim, attempted_at in successes:
                result = next(r for c, _, r in sent if c is claim)
                attempt = _attempt_record_unless_vanished(claim, result, now=attempted_at)
                if attempt is not None:
                    attempts.append(attempt)
    return attempts


def _attempt_new(claim: _Claim, result, *, now: datetime) -> WebhookAttempt:
    return WebhookAttempt(
        delivery=claim.delivery,
        number=claim.delivery.attempt_count,
        attempted_at=now,
        url=claim.endpoint.url,
        is_success=result.is_success,
        status_code=result.status_code,
        latency_ms=result.latency_ms,
        response_body=result.body.decode("utf-8", errors="replace").replace("\x00", ""),
        error=result.error,
    )


def _attempt_record(claim: _Claim, result, *, now: datetime) -> WebhookAttempt:
    attempt = _attempt_new(claim, result, now=now)
    if result.is_success:
        _successes_record([(attempt, claim, now)])
        return attempt
    return _failure_record(attempt, claim, result, now=now)


def _successes_record(successes: list[tuple[WebhookAttempt, _Claim, datetime]]) -> None:
    """Record successful attempts in one statement, however many: the attempt rows, their
    deliveries and, at most once a minute per endpoint, the endpoints' health. A single delivery
    therefore costs two round trips to PostgreSQL (claim, record), and a batch about as many."""
    fields = _columns(WebhookAttempt)
    columns = ", ".join(f'"{field.column}"' for field in fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    params = [
        field.get_db_prep_save(getattr(attempt, field.attname), connection)
        for attempt, _, _ in successes
        for field in fields
    ]
    healthy_at: dict[str, datetime] = {}
    for _, claim, attempted_at in successes:
        endpoint = claim.endpoint
        if (
            endpoint.failing_since is not None
            or endpoint.last_success_at is None
            or attempted_at - endpoint.last_success_at > timedelta(minutes=1)
        ):
            healthy_at[endpoint.pk] = max(attempted_at, healthy_at.get(endpoint.pk, attempted_at))
    health = ""
    if healthy_at:
        health = (
            f', health AS (UPDATE "{WebhookEndpoint._meta.db_table}" AS e '  # noqa: S608
            "SET failing_since = NULL, last_success_at = h.at "
            "FROM unnest(%s::varchar[], %s::timestamptz[]) AS h(id, at) WHERE e.id = h.id)"
        )
        params += [list(healthy_at), list(healthy_at.values())]
    sql = (
        f'WITH attempt AS (INSERT INTO "{WebhookAttempt._meta.db_table}" ({columns}) '  # noqa: S608
        f"VALUES {', '.join([row] * len(successes))}){health} "
        f'UPDATE "{WebhookDelivery._meta.db_table}" AS d SET status = %s, '
        "next_attempt_at = NULL, succeeded_at = s.at, locked_until = NULL, enqueued_at = NULL, "
        "last_status_code = s.status_code, last_error = '' "
        "FROM unnest(%s::varchar[], %s::timestamptz[], %s::integer[]) AS s(id, at, status_code) "
        "WHERE d.id = s.id"
    )
    params += [
        WebhookDelivery.Status.SUCCEEDED,
        [claim.delivery.pk for _, claim, _ in successes],
        [attempted_at for _, _, attempted_at in successes],
        [attempt.status_code for attempt, _, _ in successes],
    ]
    # Identifiers come from model metadata; every value is bound.
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    for _, claim, attempted_at in successes:
        delivery = claim.delivery
        delivery.status, delivery.next_attempt_at, delivery.succeeded_at = (
            WebhookDelivery.Status.SUCCEEDED, None, attempted_at
        )  # fmt: skip


def _failure_record(attempt, claim: _Claim, result, *, now: datetime) -> WebhookAttempt:
    delivery, endpoint = claim.delivery, claim.endpoint
    Status = WebhookDelivery.Status
    disable_reason = None
    countdown = None
    with transaction.atomic():
        attempt.save(force_insert=True)
        delivery.last_status_code = result.status_code
        delivery.last_error = result.error
        delivery.locked_until = None
        delivery.enqueued_at = None
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
            last_failure_at=now, failing_since=Coalesce(F("failing_since"), now)
        )
        delay = retry_delay(
            attempts_made=delivery.attempt_count, retry_after_seconds=result.retry_after_seconds
        )
        if result.status_code == 410:
            disable_reason = "the endpoint answered 410 Gone"
            delay = None
        elif WebhookEndpoint.objects.filter(
            pk=endpoint.pk, failing_since__lte=now - DISABLE_AFTER_FAILING_FOR
        ).exists():
            disable_reason = "every delivery failed for 5 days"
            delay = None
        if delay is None:
            delivery.status, delivery.next_attempt_at = Status.EXHAUSTED, None
        else:
            delivery.status, delivery.next_attempt_at = Status.FAILED, now + delay
            if delay.total_seconds() <= COUNTDOWN_MAX_SECONDS:
                countdown = delay.total_seconds()
                delivery.enqueued_at = now
        delivery.save(
            update_fields=[
                "status", "next_attempt_at", "locked_until", "enqueued_at", "last_status_code",
                "last_error",
            ]
        )  # fmt: skip
        if countdown is not None:
            _enqueue_on_commit([delivery.id], countdown=countdown)
    if disable_reason:
        _endpoint_disable_for_failures(endpoint_id=endpoint.pk, reason=disable_reason, now=now)
    return attempt


# --- Sweeper


@dataclass(frozen=True)
class SweepResult:
    deliveries_enqueued: int
    events_fanned_out: int


def webhook_deliveries_sweep(*, now: datetime | None = None) -> SweepResult:
    """Re-enqueue due deliveries that no live task is about to attempt — a retry whose time has
    come, a message lost by the broker, a worker killed mid-attempt (its lease has run out) — and
    fan out events whose fan-out task never ran. Current schema; run by beat every few seconds."""
    now = now or timezone.now()
    stale_before = now - timedelta(seconds=settings.WEBHOOK_REQUEUE_AFTER_SECONDS)
    due_ids = list(
        WebhookDelivery.objects.filter(next_attempt_at__lte=now)
        .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
        .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=stale_before))
        .order_by("next_attempt_at")
        .values_list("id", flat=True)[:SWEEP_BATCH]
    )
    with transaction.atomic():
        # An expired lease is cleared so the next claim succeeds whichever clock it reads.
        WebhookDelivery.objects.filter(id__in=due_ids).update(enqueued_at=now, locked_until=None)
        _enqueue_on_commit(due_ids)
    fanned_out = _lost_fan_outs_dispatch(now=now)
    return SweepResult(deliveries_enqueued=len(due_ids), events_fanned_out=fanned_out)


def _lost_fan_outs_dispatch(*, now: datetime) -> int:
    """Fan out the events whose fan-out never happened; returns how many. Only events since the
    watermark are examined (about one sweep interval's worth), so the cost does not grow with the
    outbox. An event gets ``FAN_OUT_GRACE`` to be committed and fanned out by its own task first;
    the watermark starts ``FAN_OUT_HORIZON`` back."""
    upper = now - FAN_OUT_GRACE
    watermark, _ = FanOutWatermark.objects.get_or_create(
        pk=1, defaults={"dispatched_before": now - FAN_OUT_HORIZON}
    )
    lost = list(
        Event.objects.filter(created_at__gte=watermark.dispatched_before, created_at__lt=upper)
        .filter(~Exists(EventDispatch.objects.filter(event_id=OuterRef("pk"))))
        .order_by("created_at")
        .values_list("id", "created_at")[:SWEEP_BATCH]
    )
    for event_id, _ in lost:
        webhook_event_fan_out(event_id=event_id, now=now)
    # Everything before `advance` is dispatched now (after a full batch: resume from its end).
    advance = lost[-1][1] if len(lost) == SWEEP_BATCH else upper
    if advance > watermark.dispatched_before:
        FanOutWatermark.objects.filter(pk=1).update(dispatched_before=advance)
    return len(lost)


def webhook_sweep_all_schemas(*, now: datetime | None = None) -> int:
    """Run the sweeper in every tenant schema (live and sandbox). Returns deliveries enqueued."""
    from django_tenants.utils import get_public_schema_name, tenant_context

    from tenants.models import Tenant

    total = 0
    for tenant in Tenant.objects.exclude(schema_name=get_public_schema_name()):
        with tenant_context(tenant):
            total += webhook_deliveries_sweep(now=now).deliveries_enqueued
    return total
