"""A real Celery worker is SIGKILLed in the middle of a delivery; the sweeper re-enqueues the
delivery and another worker delivers it. Nothing is lost, and the receiver can dedupe."""

import os
import signal
import uuid
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from django_redis import get_redis_connection
from django_tenants.utils import tenant_context
from standardwebhooks import Webhook

from core.testing import celery_worker_start, celery_workers_stop, wait_for
from events.models import Event
from events.services import event_emit
from webhooks.models import FanOutWatermark, WebhookDelivery, WebhookEndpoint
from webhooks.services.endpoints import webhook_endpoint_create
from webhooks.services.fan_out import webhook_event_fan_out
from webhooks.services.sweeper import webhook_deliveries_sweep
from webhooks.testing import Reply


@pytest.mark.slow
def test_a_worker_killed_mid_delivery_loses_nothing(
    _session_tenants, django_db_blocker, settings_override, sink, tmp_path
):
    alpha = _session_tenants[0]
    queue = settings.WEBHOOK_QUEUE
    worker_env = {"WEBHOOK_QUEUE": queue, "WEBHOOK_ALLOWED_PRIVATE_HOSTS": sink.host}
    log_path = tmp_path / "workers.log"
    workers = []
    with django_db_blocker.unblock(), tenant_context(alpha):
        endpoint = webhook_endpoint_create(url=sink.url(), event_types=["challenge.created"])
        try:
            # given: a worker that is in the middle of delivering (the receiver stalls)
            sink.script(Reply(stall=True))
            workers.append(
                celery_worker_start(queues=queue, log_path=log_path, pool="solo", **worker_env)
            )
            event = event_emit(type="challenge.created", data={"id": "chl_kill"})
            sink.wait_for(1, timeout=60)
            delivery = WebhookDelivery.objects.get(endpoint=endpoint, event=event)
            assert delivery.locked_until is not None  # claimed, request in flight
            # when: it is killed outright, and another worker comes up
            os.killpg(workers[0].pid, signal.SIGKILL)
            workers[0].wait(timeout=10)
            sink.release()
            workers.append(
                celery_worker_start(queues=queue, log_path=log_path, pool="solo", **worker_env)
            )
            # ... and beat's sweeper runs once the lease and requeue delay have passed
            later = timezone.now() + timedelta(
                seconds=settings.WEBHOOK_LEASE_SECONDS + settings.WEBHOOK_REQUEUE_AFTER_SECONDS
            )
            assert webhook_deliveries_sweep(now=later).deliveries_enqueued >= 1
            assert WebhookDelivery.objects.get(pk=delivery.pk).enqueued_at == later
            # then: it arrives, with the same webhook-id, properly signed
            first, second = sink.wait_for(2, timeout=60)
            wait_for(
                lambda: WebhookDelivery.objects.get(pk=delivery.pk).status == "succeeded",
                timeout=20,
                message=f"not delivered:\n{log_path.read_text()[-3000:]}",
            )
            assert first.headers["webhook-id"] == second.headers["webhook-id"] == event.id
            assert Webhook(endpoint.secret).verify(second.body, second.headers)["id"] == event.id
            delivery.refresh_from_db()
            assert delivery.attempt_count == 2
        finally:
            celery_workers_stop(workers)
            WebhookEndpoint.objects.filter(pk=endpoint.pk).delete()
            Event.objects.filter(data__id="chl_kill").delete()
            FanOutWatermark.objects.all().delete()  # the sweep ran with a clock in the future
            get_redis_connection("default").delete(queue)


@pytest.fixture
def settings_override(settings, sink):
    """A queue of this test's own (no other worker of the session takes its tasks)."""
    settings.WEBHOOK_QUEUE = f"webhooks-kill-{uuid.uuid4().hex[:8]}"
    settings.WEBHOOK_ALLOWED_PRIVATE_HOSTS = [sink.host]
    return settings


def test_sweeper_leaves_a_delivery_alone_while_a_live_worker_holds_it(tenant, allow_sink):
    # given: enqueued long ago, claimed a moment ago by a worker that is still sending it
    # (this module also needs a `db` test so running it alone sets up the test database)
    with tenant_context(tenant):
        endpoint = webhook_endpoint_create(url=allow_sink.url(), event_types=["*"])
        event = Event.objects.create(type="challenge.created", data={}, livemode=True)

        webhook_event_fan_out(event_id=event.id)
        now = timezone.now()
        WebhookDelivery.objects.update(
            enqueued_at=now - timedelta(hours=1), locked_until=now + timedelta(seconds=30)
        )
        # when
        result = webhook_deliveries_sweep(now=now)
        # then
        assert result.deliveries_enqueued == 0
        assert WebhookDelivery.objects.get(endpoint=endpoint).locked_until > now
