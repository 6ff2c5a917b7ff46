"""Property-based conformance of the /v1 webhook operations of the published OpenAPI document
(harness: api/v1/tests/conformance.py)."""

import pytest
from django_tenants.utils import tenant_context

from api.v1.tests.conformance import conformance_failures, failures_report
from events.models import Event
from webhooks.models import WebhookDelivery
from webhooks.services.attempts import webhook_delivery_attempt
from webhooks.services.fan_out import webhook_event_fan_out
from webhooks.testing import Reply

EXAMPLES_PER_OPERATION = 25


@pytest.fixture
def seeded(api, allow_sink, tenant):
    """An endpoint with a failed delivery (one attempt), whose ids fill path parameters."""
    endpoint = api.post("/v1/webhook_endpoints", {"url": allow_sink.url(), "events": ["*"]}).json()
    allow_sink.script(*[Reply(status=500)] * 1000)
    with tenant_context(tenant):
        event = Event.objects.create(type="challenge.created", data={}, livemode=True)
        webhook_event_fan_out(event_id=event.id)
        delivery = WebhookDelivery.objects.get(event=event)
        webhook_delivery_attempt(delivery_id=delivery.id)
    return {"endpoint_id": endpoint["id"], "delivery_id": delivery.id}


@pytest.mark.slow
def test_webhook_operations_conform_to_the_schema(tenant, live_key, seeded):
    # when
    operations, failures = conformance_failures(
        tenant=tenant,
        live_key=live_key,
        path_prefixes=("/v1/webhook_endpoints", "/v1/webhook_deliveries", "/v1/webhook_attempts"),
        existing_ids=seeded,
        examples=EXAMPLES_PER_OPERATION,
    )

    # then
    assert operations == 16
    assert not failures, failures_report(failures)
