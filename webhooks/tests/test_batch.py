"""The fan-out task's batch of first attempts: deliveries inserted already leased, requests in
parallel, successes recorded in bulk as they come in; failing endpoints, late requests and
surprises get tasks of their own; a slow receiver delays nobody else; a worker killed mid-batch
loses nothing."""

import os
import signal
import threading
import time
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_redis import get_redis_connection
from django_tenants.utils import tenant_context
from standardwebhooks import Webhook

from core.testing import celery_worker_start, celery_workers_stop, wait_for
from events.models import Event
from events.services import event_emit
from webhooks.models import FanOutWatermark, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from webhooks.services import attempts
from webhooks.services.endpoints import webhook_endpoint_create
from webhooks.services.fan_out import webhook_event_fan_out
from webhooks.services.sweeper import webhook_deliveries_sweep
from webhooks.testing import Reply, WebhookSink

Status = WebhookDelivery.Status


@pytest.fixture
def enqueued(monkeypatch):
    """The delivery ids handed to tasks of their own (enqueued on commit)."""
    from webhooks.tasks import webhook_delivery_attempt_task

    ids = []
    monkeypatch.setattr(
        webhook_delivery_attempt_task, "apply_async", lambda args, **_: ids.append(args[0])
    )
    return ids


def _event() -> Event:
    return Event.objects.create(type="challenge.created", data={"id": "chl_1"}, livemode=True)


def _by_endpoint(event) -> dict[str, WebhookDelivery]:
    return {d.endpoint_id: d for d in WebhookDelivery.objects.filter(event=event)}


def test_the_fan_out_task_sends_first_attempts_as_one_batch(
    in_tenant, allow_sink, enqueued, monkeypatch, django_capture_on_commit_callbacks
):
    # given: healthy endpoints, one that is failing already, one disabled
    monkeypatch.setattr(attempts, "BATCH_RECORD_INTERVAL_SECONDS", 5.0)  # one record statement
    healthy = [
        webhook_endpoint_create(url=allow_sink.url(f"/h{index}"), event_types=["*"])
        for index in range(12)
    ]
    failing = webhook_endpoint_create(url=allow_sink.url("/failing"), event_types=["*"])
    WebhookEndpoint.objects.filter(pk=failing.pk).update(failing_since=timezone.now())
    webhook_endpoint_create(url=allow_sink.url("/off"), event_types=["*"], is_enabled=False)
    event = _event()
    # when
    with (
        django_capture_on_commit_callbacks(execute=True),
        CaptureQueriesContext(connection) as queries,
    ):
        delivery_ids = webhook_event_fan_out(event_id=event.id, attempt_inline=True)
    # then: every healthy endpoint got it, signed, once
    assert len(delivery_ids) == 13
    received = allow_sink.wait_for(12)
    assert sorted(r.path for r in received) == sorted(f"/h{index}" for index in range(12))
    secrets_ = {endpoint.url.rsplit("/", 1)[1]: endpoint.secret for endpoint in healthy}
    for request in received:
        payload = Webhook(secrets_[request.path[1:]]).verify(request.body, request.headers)
        assert payload["id"] == request.headers["webhook-id"] == event.id
    deliveries = _by_endpoint(event)
    for endpoint in healthy:
        delivery = deliveries[endpoint.id]
        assert (delivery.status, delivery.attempt_count) == (Status.SUCCEEDED, 1)
        assert delivery.locked_until is None and delivery.next_attempt_at is None
        (attempt,) = WebhookAttempt.objects.filter(delivery=delivery)
        assert (attempt.number, attempt.status_code, attempt.response_body) == (1, 200, "ok")
    # ... the failing endpoint's delivery is left to a task of its own, not sent in the batch
    assert enqueued == [deliveries[failing.id].id]
    assert deliveries[failing.id].attempt_count == 0
    # ... and the batch cost three statements for twelve deliveries: the endpoints read, the
    # deliveries inserted (already leased) and the successes recorded
    batch = [query["sql"] for query in queries if "webhooks_webhook" in query["sql"]]
    assert len(batch) == 3, [sql[:80] for sql in batch]
    for endpoint in healthy:
        endpoint.refresh_from_db()
        assert endpoint.last_success_at is not None and endpoint.failing_since is None


def test_failures_in_a_batch_are_recorded_and_retried_by_their_own_task(
    in_tenant, allow_sink, enqueued, django_capture_on_commit_callbacks
):
    # given
    endpoints = [
        webhook_endpoint_create(url=allow_sink.url(f"/e{index}"), event_types=["*"])
        for index in range(3)
    ]
    allow_sink.script(Reply(status=503, headers={"Retry-After": "30"}))  # the first one to arrive
    event = _event()
    # when
    with django_capture_on_commit_callbacks(execute=True):
        webhook_event_fan_out(event_id=event.id, attempt_inline=True)
    # then
    deliveries = _by_endpoint(event)
    failed = [d for d in deliveries.values() if d.status == Status.FAILED]
    assert len(failed) == 1 and sum(d.status == Status.SUCCEEDED for d in deliveries.values()) == 2
    (retry,) = failed
    assert retry.last_status_code == 503 and retry.locked_until is None
    assert retry.next_attempt_at - WebhookAttempt.objects.get(delivery=retry).attempted_at >= (
        timedelta(seconds=30)
    )
    assert enqueued == [retry.id]  # the retry comes within a minute: a task with a countdown
    failing = WebhookEndpoint.objects.get(pk=retry.endpoint_id)
    assert failing.failing_since is not None
    assert {e.id for e in endpoints} == set(deliveries)


def test_a_slow_receiver_delays_neither_the_others_requests_nor_their_records(
    in_tenant, allow_sink, monkeypatch
):
    # given: one receiver that stalls until released, and quick ones
    endpoints = [
        webhook_endpoint_create(url=allow_sink.url(f"/e{index}"), event_types=["*"])
        for index in range(4)
    ]
    allow_sink.script(Reply(stall=True))  # the first request to arrive stalls
    quick_recorded = threading.Event()
    recorded = []
    original = attempts._successes_record

    def spy(successes):
        original(successes)
        recorded.extend(claim.delivery.pk for _, claim, _ in successes)
        if len(recorded) == 3:
            quick_recorded.set()

    monkeypatch.setattr(attempts, "_successes_record", spy)
    released = []

    def release_when_the_others_are_recorded():
        released.append(quick_recorded.wait(10))
        allow_sink.release()

    releaser = threading.Thread(target=release_when_the_others_are_recorded)
    releaser.start()
    event = _event()
    # when
    started = time.monotonic()
    webhook_event_fan_out(event_id=event.id, attempt_inline=True)
    releaser.join()
    # then: the quick ones were sent and recorded while the slow request was still waiting
    assert released == [True]
    assert time.monotonic() - started < 10
    assert {d.status for d in _by_endpoint(event).values()} == {Status.SUCCEEDED}
    assert len(recorded) == 4 and len(endpoints) == 4


def test_requests_that_cannot_start_within_the_budget_get_tasks_of_their_own(
    in_tenant, allow_sink, enqueued, monkeypatch, django_capture_on_commit_callbacks
):
    # given: one request thread, a short budget, and a receiver whose first answer takes long
    monkeypatch.setattr(attempts, "BATCH_THREADS", 1)
    monkeypatch.setattr(attempts, "_batch_pool", None)
    monkeypatch.setattr(attempts, "BATCH_BUDGET_SECONDS", 0.3)
    for index in range(3):
        webhook_endpoint_create(url=allow_sink.url(f"/e{index}"), event_types=["*"])
    allow_sink.script(Reply(stall=True))
    threading.Timer(1.0, allow_sink.release).start()
    event = _event()
    # when
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        webhook_event_fan_out(event_id=event.id, attempt_inline=True)
    # then: one was sent; the two others were handed back, unattempted, to tasks
    assert time.monotonic() - started < 5
    deliveries = _by_endpoint(event).values()
    assert sum(d.status == Status.SUCCEEDED for d in deliveries) == 1
    handed_back = [d for d in deliveries if d.status == Status.PENDING]
    assert sorted(enqueued) == sorted(d.id for d in handed_back) and len(handed_back) == 2
    for delivery in handed_back:
        assert delivery.attempt_count == 0 and delivery.locked_until is None
        assert delivery.next_attempt_at is not None
    assert len(allow_sink.requests) == 1
    attempts._batch_pool.shutdown(wait=False)


def test_a_surprise_while_sending_one_request_costs_the_others_nothing(
    in_tenant, settings, enqueued, django_capture_on_commit_callbacks
):
    # given: two receivers; resolving the second one's host blows up unexpectedly
    good, bad = WebhookSink(), WebhookSink()
    try:
        settings.WEBHOOK_ALLOWED_PRIVATE_HOSTS = [good.host, bad.host]
        webhook_endpoint_create(url=good.url(), event_types=["*"])
        broken = webhook_endpoint_create(url=bad.url(), event_types=["*"])

        def resolver(host, port):
            if port == bad.port:
                raise RuntimeError("resolver bug")
            return ["127.0.0.1"]

        event = _event()
        # when
        with django_capture_on_commit_callbacks(execute=True):
            webhook_event_fan_out(event_id=event.id, attempt_inline=True, resolver=resolver)
        # then
        deliveries = _by_endpoint(event)
        assert len(good.requests) == 1 and deliveries[broken.id].status == Status.PENDING
        assert enqueued == [deliveries[broken.id].id]
        assert {d.status for d in deliveries.values()} == {Status.SUCCEEDED, Status.PENDING}
    finally:
        good.close()
        bad.close()


def test_an_endpoint_deleted_during_its_batch_request_costs_the_others_nothing(
    _session_tenants, django_db_blocker, settings
):
    # given: committed data (the foreign keys are checked at commit), two receivers, and one
    # endpoint deleted by someone else while its request is in flight; tasks go to a queue no
    # worker of the session reads
    alpha = _session_tenants[0]
    kept_sink, doomed_sink = WebhookSink(), WebhookSink()
    settings.WEBHOOK_ALLOWED_PRIVATE_HOSTS = [kept_sink.host, doomed_sink.host]
    settings.WEBHOOK_QUEUE = f"webhooks-test-{uuid.uuid4().hex[:8]}"
    with django_db_blocker.unblock(), tenant_context(alpha):
        kept = webhook_endpoint_create(url=kept_sink.url(), event_types=["batch.deleted"])
        doomed = webhook_endpoint_create(url=doomed_sink.url(), event_types=["batch.deleted"])
        event = Event.objects.create(type="batch.deleted", data={}, livemode=True)
        try:

            def deleting_resolver(host, port):  # runs in a request thread: its own connection
                if port == doomed_sink.port:
                    with tenant_context(alpha):
                        WebhookEndpoint.objects.filter(pk=doomed.pk).delete()
                    connection.close()
                return ["127.0.0.1"]

            # when
            webhook_event_fan_out(
                event_id=event.id, attempt_inline=True, resolver=deleting_resolver
            )
            # then
            assert len(kept_sink.requests) == len(doomed_sink.requests) == 1
            assert list(WebhookDelivery.objects.filter(event=event)) == [
                WebhookDelivery.objects.get(endpoint=kept, status=Status.SUCCEEDED)
            ]
            assert WebhookAttempt.objects.filter(delivery__event=event).count() == 1
        finally:
            WebhookEndpoint.objects.filter(pk__in=[kept.pk, doomed.pk]).delete()
            event.delete()
            kept_sink.close()
            doomed_sink.close()
            get_redis_connection("default").delete(settings.WEBHOOK_QUEUE)


@pytest.mark.slow
def test_a_worker_killed_in_the_middle_of_a_batch_loses_nothing(
    _session_tenants, django_db_blocker, settings, sink, tmp_path
):
    alpha = _session_tenants[0]
    queue = f"webhooks-batch-kill-{uuid.uuid4().hex[:8]}"
    worker_env = {"WEBHOOK_QUEUE": queue, "WEBHOOK_ALLOWED_PRIVATE_HOSTS": sink.host}
    log_path = tmp_path / "workers.log"
    workers = []
    settings.WEBHOOK_QUEUE = queue  # no other worker of the session takes its tasks
    settings.WEBHOOK_ALLOWED_PRIVATE_HOSTS = [sink.host]
    with django_db_blocker.unblock(), tenant_context(alpha):
        endpoints = [
            webhook_endpoint_create(url=sink.url(f"/b{index}"), event_types=["batch.kill"])
            for index in range(3)
        ]
        try:
            # given: a worker in the middle of a batch: two delivered, the third one's receiver
            # stalls
            sink.script(Reply(stall=True))
            workers.append(
                celery_worker_start(queues=queue, log_path=log_path, pool="solo", **worker_env)
            )
            event = event_emit(type="batch.kill", data={"id": "chl_batch_kill"})
            sink.wait_for(3, timeout=60)

            def two_recorded():
                statuses = WebhookDelivery.objects.filter(event=event).values_list(
                    "status", flat=True
                )
                return sorted(statuses) == [Status.PENDING, Status.SUCCEEDED, Status.SUCCEEDED]

            wait_for(two_recorded, timeout=20, message=log_path.read_text()[-3000:])
            stalled = WebhookDelivery.objects.get(event=event, status=Status.PENDING)
            assert stalled.locked_until is not None
            # when: it is killed outright; another worker comes up; beat's sweeper runs once the
            # lease and the requeue delay have passed
            os.killpg(workers[0].pid, signal.SIGKILL)
            workers[0].wait(timeout=10)
            sink.release()
            workers.append(
                celery_worker_start(queues=queue, log_path=log_path, pool="solo", **worker_env)
            )
            later = timezone.now() + timedelta(
                seconds=settings.WEBHOOK_LEASE_SECONDS + settings.WEBHOOK_REQUEUE_AFTER_SECONDS
            )
            assert webhook_deliveries_sweep(now=later).deliveries_enqueued == 1
            # then: the interrupted one arrives again, with the same webhook-id; the two that
            # were recorded are not sent twice
            wait_for(
                lambda: (
                    not WebhookDelivery.objects.filter(event=event)
                    .exclude(status=Status.SUCCEEDED)
                    .exists()
                ),
                timeout=30,
                message=f"not delivered:\n{log_path.read_text()[-3000:]}",
            )
            received = sink.wait_for(4, timeout=10)
            paths = [request.path for request in received]
            stalled_path = WebhookEndpoint.objects.get(pk=stalled.endpoint_id).url.rsplit("/")[-1]
            assert paths.count(f"/{stalled_path}") == 2 and len(paths) == 4
            assert {request.headers["webhook-id"] for request in received} == {event.id}
            stalled.refresh_from_db()
            assert stalled.attempt_count == 2
        finally:
            celery_workers_stop(workers)
            WebhookEndpoint.objects.filter(pk__in=[e.pk for e in endpoints]).delete()
            Event.objects.filter(data__id="chl_batch_kill").delete()
            FanOutWatermark.objects.all().delete()  # the sweep ran with a clock in the future
            get_redis_connection("default").delete(queue)
