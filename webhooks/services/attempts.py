"""Delivery attempts: claim a due delivery (a lease, so two tasks never both send it), sign and
send it through the SSRF-safe sender, record the attempt and schedule what follows (the retry
schedule, or giving up and disabling an endpoint that kept failing); the batch of first attempts
made by the fan-out; replays.

An attempt must run outside a transaction: its claim is committed before the request goes out,
and nothing stays locked during the request. A worker killed mid-attempt leaves a lease that runs
out; the sweeper then enqueues the delivery again (at-least-once; receivers dedupe on
``webhook-id``).
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

from django.conf import settings
from django.db import IntegrityError, connection, models, transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.errors import ConflictError
from events.models import Event
from webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from webhooks.queue import deliveries_enqueue_on_commit
from webhooks.sender import Resolver, SendResult, webhook_post
from webhooks.services.endpoints import (
    webhook_endpoint_disable_for_failures,
    webhook_endpoint_signing_secrets,
)
from webhooks.signing import signed_headers

logger = logging.getLogger(__name__)

# Delay before attempt n+1 (seconds), indexed by the number of attempts already made: the first
# attempt is immediate, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h and 24 h (10 in all).
RETRY_SCHEDULE_SECONDS = (0, 5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400)
RETRY_JITTER = 0.1  # each delay is stretched by up to 10 %, so retries of a burst spread out
MAX_RETRY_AFTER_SECONDS = 86400
DISABLE_AFTER_FAILING_FOR = timedelta(days=5)
# Retries this close are enqueued with a countdown; later ones are picked up by the sweeper.
COUNTDOWN_MAX_SECONDS = 60
USER_AGENT = "OpenChance-Webhooks/1 (+https://docs.openchance.dev/webhooks)"

_jitter = random.Random()  # noqa: S311 - spreading retries, not security


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
class DeliveryClaim:
    """A delivery this worker holds the lease of, with its endpoint and event loaded."""

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


def _delivery_claim(delivery_id: str, now: datetime) -> DeliveryClaim | None:
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
    return DeliveryClaim(delivery=delivery, endpoint=endpoint, event=event)


def _claims_release(claims: list[DeliveryClaim], **changes) -> None:
    """Give back leases taken for attempts that were not made (the claim's attempt count is
    undone), with ``changes`` to the deliveries."""
    WebhookDelivery.objects.filter(pk__in=[claim.delivery.pk for claim in claims]).update(
        locked_until=None, attempt_count=F("attempt_count") - 1, **changes
    )


def _request_send(
    claim: DeliveryClaim, *, body: bytes, now: datetime, resolver: Resolver | None
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


def _attempt_record_unless_vanished(claim: DeliveryClaim, result, *, now: datetime):
    try:
        return _attempt_record(claim, result, now=now)
    except IntegrityError:
        if WebhookDelivery.objects.filter(pk=claim.delivery.pk).exists():
            raise
        # The endpoint (and its deliveries) was deleted while the request was in flight.
        logger.info("delivery %s vanished with its endpoint during the attempt", claim.delivery.pk)
        return None


# A batch of first attempts (``webhook_deliveries_attempt_batch``) sends this many requests at
# once per worker process. Requests whose turn has not come BATCH_BUDGET_SECONDS after the batch
# started are handed to tasks of their own, so slow receivers cannot keep the others waiting for
# long nor outlive the lease (WEBHOOK_LEASE_SECONDS > budget + the 15 s of a request).
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


def webhook_deliveries_attempt_batch(
    claims: list[DeliveryClaim], *, now: datetime, resolver: Resolver | None
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

    def send(claim: DeliveryClaim) -> tuple[DeliveryClaim, datetime, SendResult] | None:
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
        deliveries_enqueue_on_commit([claim.delivery.pk for claim in unsent])
    return attempts


def _attempts_record(
    sent: list[tuple[DeliveryClaim, datetime, SendResult]],
) -> list[WebhookAttempt]:
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


def _attempt_new(claim: DeliveryClaim, result, *, now: datetime) -> WebhookAttempt:
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


def _attempt_record(claim: DeliveryClaim, result, *, now: datetime) -> WebhookAttempt:
    attempt = _attempt_new(claim, result, now=now)
    if result.is_success:
        _successes_record([(attempt, claim, now)])
        return attempt
    return _failure_record(attempt, claim, result, now=now)


def _successes_record(successes: list[tuple[WebhookAttempt, DeliveryClaim, datetime]]) -> None:
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


def _failure_record(attempt, claim: DeliveryClaim, result, *, now: datetime) -> WebhookAttempt:
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
            deliveries_enqueue_on_commit([delivery.id], countdown=countdown)
    if disable_reason:
        webhook_endpoint_disable_for_failures(
            endpoint_id=endpoint.pk, reason=disable_reason, now=now
        )
    return attempt


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
        deliveries_enqueue_on_commit([delivery.id])
    return delivery
