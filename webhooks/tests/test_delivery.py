"""Fan-out, delivery, signing, the retry schedule (controllable clock), 410/429/503 handling,
disabling after 5 days of failures, and the sweeper — against a real HTTP sink."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from django_redis import get_redis_connection
from django_tenants.utils import tenant_context
from standardwebhooks import Webhook, WebhookVerificationError

from events.models import Event
from webhooks.models import (
    EventDispatch,
    FanOutWatermark,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from webhooks.services.attempts import RETRY_SCHEDULE_SECONDS, webhook_delivery_attempt
from webhooks.services.endpoints import webhook_endpoint_create, webhook_endpoint_rotate_secret
from webhooks.services.fan_out import webhook_event_fan_out
from webhooks.services.sweeper import webhook_deliveries_sweep, webhook_sweep_all_schemas
from webhooks.testing import Reply

Status = WebhookDelivery.Status


def _event(event_type="challenge.created", **data) -> Event:
    return Event.objects.create(
        type=event_type, data={"object": "challenge", "id": "chl_1", **data}, livemode=True
    )


def _delivery_to(endpoint, event=None) -> WebhookDelivery:
    event = event or _event()
    webhook_event_fan_out(event_id=event.id)
    return WebhookDelivery.objects.get(endpoint=endpoint, event=event)


def test_fan_out_makes_one_delivery_per_enabled_subscribed_endpoint_once(in_tenant, allow_sink):
    # given
    everything = webhook_endpoint_create(url=allow_sink.url("/all"), event_types=["*"])
    subscribed = webhook_endpoint_create(
        url=allow_sink.url("/c"), event_types=["challenge.created", "challenge.updated"]
    )
    webhook_endpoint_create(url=allow_sink.url("/r"), event_types=["review.created"])
    webhook_endpoint_create(url=allow_sink.url("/off"), event_types=["*"], is_enabled=False)
    event = _event()
    # when
    first = webhook_event_fan_out(event_id=event.id)
    again = webhook_event_fan_out(event_id=event.id)
    # then
    deliveries = WebhookDelivery.objects.filter(id__in=first)
    assert {d.endpoint_id for d in deliveries} == {everything.id, subscribed.id}
    assert {d.status for d in deliveries} == {Status.PENDING}
    assert again == []
    assert WebhookDelivery.objects.filter(event=event).count() == 2
    assert EventDispatch.objects.filter(event=event).exists()


def test_sandbox_endpoints_get_sandbox_events_only(tenant, sandbox, allow_sink):
    # given
    with tenant_context(sandbox):
        sandbox_endpoint = webhook_endpoint_create(url=allow_sink.url("/s"), event_types=["*"])
    with tenant_context(tenant):
        live_endpoint = webhook_endpoint_create(url=allow_sink.url("/l"), event_types=["*"])
        live_event = _event()
        # when
        webhook_event_fan_out(event_id=live_event.id)
        # then
        assert list(WebhookDelivery.objects.values_list("endpoint_id", flat=True)) == [
            live_endpoint.id
        ]
    with tenant_context(sandbox):
        assert not WebhookDelivery.objects.exists()
        assert WebhookEndpoint.objects.get().id == sandbox_endpoint.id


def test_delivery_is_signed_per_standard_webhooks_and_recorded(in_tenant, allow_sink):
    # given
    endpoint = webhook_endpoint_create(url=allow_sink.url(), event_types=["*"])
    event = _event(title="Build a bridge")
    delivery = _delivery_to(endpoint, event)
    # when
    attempt = webhook_delivery_attempt(delivery_id=delivery.id)
    # then
    (received,) = allow_sink.requests
    assert Webhook(endpoint.secret).verify(received.body, received.headers) == event.as_payload()
    assert received.headers["webhook-id"] == event.id
    assert received.headers["content-type"] == "application/json"
    assert endpoint.secret.startswith("whsec_")
    delivery.refresh_from_db()
    assert delivery.status == Status.SUCCEEDED
    assert delivery.next_attempt_at is None and delivery.locked_until is None
    assert (attempt.number, attempt.status_code, attempt.is_success) == (1, 200, True)
    assert attempt.response_body == "ok" and attempt.error == ""
    assert attempt.latency_ms >= 0
    # a stray duplicate task for the same delivery sends nothing
    assert webhook_delivery_attempt(delivery_id=delivery.id) is None
    assert len(allow_sink.requests) == 1


def test_webhook_id_is_stable_and_timestamp_fresh_across_retries(in_tenant, allow_sink):
    # given
    endpoint = webhook_endpoint_create(url=allow_sink.url(), event_types=["*"])
    delivery = _delivery_to(endpoint)
    allow_sink.script(Reply(status=500))
    # when
    webhook_delivery_attempt(delivery_id=delivery.id)
    delivery.refresh_from_db()
    webhook_delivery_attempt(delivery_id=delivery.id, now=delivery.next_attempt_at)
    # then
    first, second = allow_sink.requests
    assert first.headers["webhook-id"] == second.headers["webhook-id"] == delivery.event_id
    for received in (first, second):
        Webhook(endpoint.secret).verify(received.body, received.headers)


def test_rotated_secret_signs_next_to_the_old_one_for_24_hours(in_tenant, allow_sink):
    # given
    endpoint = webhook_endpoint_create(url=allow_sink.url(), event_types=["*"])
    old_secret = endpoint.secret
    rotated_at = timezone.now()
    endpoint = webhook_endpoint_rotate_secret(endpoint=endpoint, now=rotated_at)
    # when: one delivery within the 24 h, one after
    webhook_delivery_attempt(delivery_id=_delivery_to(endpoint).id)
    late = _delivery_to(endpoint)
    webhook_delivery_attempt(delivery_id=late.id, now=rotated_at + timedelta(hours=24, seconds=1))
    # then
    within, after = allow_sink.requests
    assert endpoint.secret != old_secret
    assert len(within.headers["webhook-signature"].split(" ")) == 2
    Webhook(old_secret).verify(within.body, within.headers)
    Webhook(endpoint.secret).verify(within.body, within.headers)
    Webhook(endpoint.secret).verify(after.body, after.headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(old_secret).verify(after.body, after.headers)


def test_failures_follow_the_retry_schedule_with_jitter_until_exhausted(in_tenant, allow_sink):
    # given
    endpoint = webhook_endpoint_create(url=allow_sink.url(), event_types=["*"])
    delivery = _delivery_to(endpoint)
    allow_sink.script(*[Reply(status=500, body=b"boom")] * len(RETRY_SCHEDULE_SECONDS))
    now = delivery.next_attempt_at
    assert now <= timezone.now()  # the first attempt is due at once
    # when / then: 10 attempts, each due only after its delay
    for number, base in enumerate([*RETRY_SCHEDULE_SECONDS[1:], None], start=1):
        attempt = webhook_delivery_attempt(delivery_id=delivery.id, now=now)
        assert (attempt.number, attempt.status_code, attempt.error) == (number, 500, "HTTP 500")
        assert attempt.response_body == "boom"
        delivery.refresh_from_db()
        if base is None:
            assert delivery.status == Status.EXHAUSTED and delivery.next_attempt_at is None
            break
        assert delivery.status == Status.FAILED
        delay = (delivery.next_attempt_at - now).total_seconds()
        assert base <= delay <= base * 1.1 + 0.001
        too_early = delivery.next_attempt_at - timedelta(milliseconds=1)
        assert webhook_delivery_attempt(delivery_id=delivery.id, now=too_early) is None
        now = delivery.next_attempt_at
    assert WebhookAttempt.objects.filter(delivery=delivery).count() == 10
    assert len(allow_sink.requests) == 10
    assert delivery.attempt_count == 10
    endpoint.refresh_from_db()
    assert endpoint.is_enabled  # 3 days of retries are not 5 days of failures
    assert endpoint.failing_since is not None


@pytest.mark.parametrize(
    ("status", "retry_after", "expected_delay"),
    [(429, "120", 120), (503, "3600", 3600), (429, "1", 5)],  # never sooner than the schedule
)
def test_retry_after_is_honoured_on_429_and_503(
    in_tenant, allow_sink, status, retry_after, expected_delay
):
    # given
    endpoint = webhook_endpoint_create(url=allow_sink.url(), event_types=["*"])
    delivery = _delivery_to(endpoint)
    allow_sink.script(Reply(status=status, headers={"Retry-After": retry_after}))
    now = timezone.now()
    # when
    webhook_delivery_attempt(delivery_id=delivery.id, now=now)
    # then
    delivery.refresh_from_db()
    assert delivery.status == Status.FAILED
    delay = (delivery.next_attempt_at - now).total_seconds()
    assert expected_delay <= delay <= expected_delay * 1.1 + 0.001


def test_410_gone_disables_the_endpoint_at_once(
    in_tenant, allow_sink, mailoutbox, django_capture_on_commit_callbacks
):
    # given
    endpoint = webhook_endpoint_create(url=allow_sink.url(), event_types=["challenge.created"])
    delivery = _delivery_to(endpoint)
    other_pending = _delivery_to(endpoint)
    allow_sink.script(Reply(status=410))
    # when
    with django_capture_on_commit_callbacks(execute=True):
        webhook_delivery_attempt(delivery_id=delivery.id)
    # then
    endpoint.refresh_from_db()
    assert not endpoint.is_enabled and "410" in endpoint.disabled_reason
    for stopped in (delivery, other_pending):
        stopped.refresh_from_db()
        assert stopped.status == Status.EXHAUSTED and stopped.next_attempt_at is None
    disabled_event = Event.objects.get(type="webhook_endpoint.disabled")
    assert disabled_event.data["id"] == endpoint.id
    assert [message.to for message in mailoutbox] == [["owner@alpha.test"]]
    assert endpoint.url in mailoutbox[0].subject
    # nothing else goes out to it
    assert webhook_delivery_attempt(delivery_id=other_pending.id) is None
    assert len(allow_sink.requests) == 1


def test_five_days_of_nothing_but_failures_disable_the_endpoint(
    in_tenant, allow_sink, mailoutbox, django_capture_on_commit_callbacks
):
    # given: failing since day 0, still failing 5 days later
    endpoint = webhook_endpoint_create(url=allow_sink.url(), event_types=["*"])
    allow_sink.script(*[Reply(status=500)] * 3)
    first = _delivery_to(endpoint)
    day_0 = timezone.now()
    webhook_delivery_attempt(delivery_id=first.id, now=day_0)
    almost = _delivery_to(endpoint)
    webhook_delivery_attempt(delivery_id=almost.id, now=day_0 + timedelta(days=4, hours=23))
    endpoint.refresh_from_db()
    assert endpoint.is_enabled
    # when
    last = _delivery_to(endpoint)
    with django_capture_on_commit_callbacks(execute=True):
        webhook_delivery_attempt(delivery_id=last.id, now=day_0 + timedelta(days=5, seconds=1))
    # then
    endpoint.refresh_from_db()
    assert not endpoint.is_enabled
    assert endpoint.disabled_reason == "every delivery failed for 5 days"
    assert Event.objects.filter(type="webhook_endpoint.disabled").count() == 1
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["owner@alpha.test"]
    assert not WebhookDelivery.objects.filter(next_attempt_at__isnull=False).exists()


def test_a_success_ends_the_failure_streak(in_tenant, allow_sink):
    # given
    endpoint = webhook_endpoint_create(url=allow_sink.url(), event_types=["*"])
    allow_sink.script(Reply(status=500))
    first = _delivery_to(endpoint)
    day_0 = timezone.now()
    webhook_delivery_attempt(delivery_id=first.id, now=day_0)
    # when: a success on day 3, a failure on day 6
    webhook_delivery_attempt(delivery_id=_delivery_to(endpoint).id, now=day_0 + timedelta(days=3))
    allow_sink.script(Reply(status=500))
    webhook_delivery_attempt(delivery_id=_delivery_to(endpoint).id, now=day_0 + timedelta(days=6))
    # then
    endpoint.refresh_from_db()
    assert endpoint.is_enabled
    assert endpoint.failing_since == day_0 + timedelta(days=6)


def test_redirects_are_failures_and_responses_are_cut_to_4_kib(in_tenant, allow_sink):
    # given
    endpoint = webhook_endpoint_create(url=allow_sink.url(), event_types=["*"])
    allow_sink.script(
        Reply(status=302, headers={"Location": allow_sink.url("/elsewhere")}),
        Reply(status=200, body=b"x" * 100_000),
    )
    redirected, chatty = _delivery_to(endpoint), _delivery_to(endpoint)
    # when
    redirect_attempt = webhook_delivery_attempt(delivery_id=redirected.id)
    chatty_attempt = webhook_delivery_attempt(delivery_id=chatty.id)
    # then
    assert not redirect_attempt.is_success and "redirect" in redirect_attempt.error
    assert [r.path for r in allow_sink.requests] == ["/hook", "/hook"]
    assert chatty_attempt.is_success and len(chatty_attempt.response_body) == 4096


def test_connection_failures_are_recorded_and_retried(in_tenant, allow_sink):
    # given: the endpoint's server is gone
    endpoint = webhook_endpoint_create(url=allow_sink.url(), event_types=["*"])
    delivery = _delivery_to(endpoint)
    allow_sink.close()
    # when
    attempt = webhook_delivery_attempt(delivery_id=delivery.id)
    # then
    delivery.refresh_from_db()
    assert attempt.status_code is None and "ConnectError" in attempt.error
    assert delivery.status == Status.FAILED and delivery.last_error == attempt.error


def test_sweeper_reenqueues_due_deliveries_nobody_is_working_on(in_tenant, allow_sink):
    # given
    endpoint = webhook_endpoint_create(url=allow_sink.url(), event_types=["*"])
    retry_due, worker_died, in_flight, later = (_delivery_to(endpoint) for _ in range(4))
    now = timezone.now()
    # retry_due: its retry time came; no task is on the broker
    WebhookDelivery.objects.filter(pk=retry_due.pk).update(
        status=Status.FAILED, next_attempt_at=now - timedelta(seconds=1), enqueued_at=None
    )
    # worker_died: claimed 10 min ago by a worker that was killed
    WebhookDelivery.objects.filter(pk=worker_died.pk).update(
        enqueued_at=now - timedelta(minutes=10), locked_until=now - timedelta(minutes=9)
    )
    # in_flight: just enqueued, its task is on the way; later: not due yet
    WebhookDelivery.objects.filter(pk=later.pk).update(
        status=Status.FAILED, next_attempt_at=now + timedelta(minutes=5), enqueued_at=None
    )
    # when
    result = webhook_deliveries_sweep(now=now)
    again = webhook_deliveries_sweep(now=now)
    # then
    assert result.deliveries_enqueued == 2 and again.deliveries_enqueued == 0
    for swept in (retry_due, worker_died):
        swept.refresh_from_db()
        assert swept.enqueued_at == now and swept.locked_until is None
    in_flight.refresh_from_db()
    assert in_flight.enqueued_at != now
    # and the swept one can be attempted straight away
    assert webhook_delivery_attempt(delivery_id=worker_died.id).is_success


def test_sweeper_fans_out_events_whose_fan_out_task_was_lost(in_tenant, allow_sink):
    # given
    endpoint = webhook_endpoint_create(url=allow_sink.url(), event_types=["*"])
    event = _event()
    # when
    too_soon = webhook_deliveries_sweep(now=timezone.now())
    result = webhook_deliveries_sweep(now=timezone.now() + timedelta(minutes=1))
    # then
    assert too_soon.events_fanned_out == 0
    assert result.events_fanned_out == 1
    assert WebhookDelivery.objects.filter(endpoint=endpoint, event=event).count() == 1


def test_the_beat_sweep_covers_every_schema_live_and_sandbox(tenant, sandbox, allow_sink):
    # given: a due delivery nobody enqueued, in the live and in the sandbox schema
    for schema_tenant in (tenant, sandbox):
        with tenant_context(schema_tenant):
            endpoint = webhook_endpoint_create(url=allow_sink.url(), event_types=["*"])
            delivery = _delivery_to(endpoint)
            WebhookDelivery.objects.filter(pk=delivery.pk).update(enqueued_at=None)
    # when
    enqueued = webhook_sweep_all_schemas()
    # then
    assert enqueued == 2
    for schema_tenant in (tenant, sandbox):
        with tenant_context(schema_tenant):
            assert WebhookDelivery.objects.get().enqueued_at is not None


def test_an_endpoint_deleted_during_the_attempt_is_no_error(
    _session_tenants, django_db_blocker, settings, sink
):
    # given: committed data (the foreign keys are checked at commit), and an endpoint that is
    # deleted by someone else while its request is in flight; its task goes to a queue no worker
    # of the session reads, so only this test attempts it
    settings.WEBHOOK_ALLOWED_PRIVATE_HOSTS = [sink.host]
    settings.WEBHOOK_QUEUE = f"webhooks-test-{uuid.uuid4().hex[:8]}"
    with django_db_blocker.unblock(), tenant_context(_session_tenants[0]):
        endpoint = webhook_endpoint_create(url=sink.url(), event_types=["*"])
        event = _event(id="chl_deleted_in_flight")
        try:
            delivery = _delivery_to(endpoint, event)

            def deleting_resolver(host, port):
                WebhookEndpoint.objects.filter(pk=endpoint.pk).delete()
                return ["127.0.0.1"]

            # when
            attempt = webhook_delivery_attempt(delivery_id=delivery.id, resolver=deleting_resolver)
            # then
            assert attempt is None
            assert len(sink.requests) == 1
            assert not WebhookDelivery.objects.filter(pk=delivery.pk).exists()
        finally:
            WebhookEndpoint.objects.filter(pk=endpoint.pk).delete()
            event.delete()
            get_redis_connection("default").delete(settings.WEBHOOK_QUEUE)


def test_the_lost_fan_out_search_only_looks_past_its_watermark(in_tenant, allow_sink):
    # given: a sweep has passed; later an event whose fan-out task was lost
    endpoint = webhook_endpoint_create(url=allow_sink.url(), event_types=["*"])
    webhook_deliveries_sweep(now=timezone.now())
    watermark = FanOutWatermark.objects.get().dispatched_before
    old_lost = _event()  # created before the watermark: it is not looked at any more
    Event.objects.filter(pk=old_lost.pk).update(created_at=watermark - timedelta(seconds=1))
    lost = _event()
    # when
    result = webhook_deliveries_sweep(now=timezone.now() + timedelta(minutes=2))
    # then
    assert result.events_fanned_out == 1
    assert list(WebhookDelivery.objects.values_list("event_id", flat=True)) == [lost.id]
    assert FanOutWatermark.objects.get().dispatched_before > watermark
    assert WebhookDelivery.objects.get().endpoint_id == endpoint.id


def test_emitting_an_event_costs_the_same_with_50_endpoints(
    in_tenant, allow_sink, django_capture_on_commit_callbacks
):
    """Fan-out never runs in the request: one INSERT and one task per event, whatever the
    number of subscribed endpoints."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from api.data_generation import DataGenerationBump
    from events.services import event_emit

    costs = []
    for endpoints in (0, 50):
        for index in range(endpoints):
            webhook_endpoint_create(url=allow_sink.url(f"/e{index}"), event_types=["*"])
        # when
        with (
            django_capture_on_commit_callbacks() as callbacks,
            CaptureQueriesContext(connection) as queries,
        ):
            event_emit(type="challenge.created", data={"id": "chl_1"})
        # (a write's data generation bump, for the response cache, is not a task)
        tasks = [c for c in callbacks if not isinstance(c, DataGenerationBump)]
        costs.append((len(queries), len(tasks)))
    # then
    assert costs[0] == costs[1] and costs[0][1] == 1
    assert not WebhookDelivery.objects.exists()
