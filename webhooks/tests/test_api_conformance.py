"""Property-based conformance of the /v1 webhook operations of the published OpenAPI document
(harness: api/v1/tests/conformance.py)."""

import itertools

import pytest
from django_tenants.utils import tenant_context

from api.v1.tests.conformance import (
    SeedCall,
    conformance_failures,
    failures_report,
    stateful_run,
)
from events.models import Event
from webhooks.models import WebhookDelivery
from webhooks.services.attempts import webhook_delivery_attempt
from webhooks.services.endpoints import webhook_endpoint_create
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


PATH_PREFIXES = ("/v1/webhook_endpoints", "/v1/webhook_deliveries", "/v1/webhook_attempts")
STATEFUL_SCENARIOS = 90
STATEFUL_STEPS = 8
CREATE = "POST /v1/webhook_endpoints"
PING = "POST /v1/webhook_endpoints/{endpoint_id}/test"


@pytest.fixture
def scenario_seed(tenant, allow_sink):
    """The first calls of each scenario, in turn: creating an endpoint, pinging one (a delivery),
    listing deliveries — through the API, so that their answers feed the links. (Objects are made
    with services here: Django's test client would reconnect the signals the harness detached.)"""
    body = {"url": allow_sink.url(), "events": ["*"]}

    def create() -> list[SeedCall]:
        return [SeedCall(CREATE, body=body)]

    def ping() -> list[SeedCall]:
        with tenant_context(tenant):
            endpoint = webhook_endpoint_create(url=allow_sink.url(), event_types=["*"])
        return [SeedCall(PING, {"endpoint_id": endpoint.id})]

    def deliveries() -> list[SeedCall]:
        return [SeedCall("GET /v1/webhook_deliveries")]

    starts = itertools.cycle([create, ping, deliveries])
    return lambda: next(starts)()


@pytest.mark.slow
def test_stateful_phase_follows_the_links_to_existing_webhook_objects(
    tenant, live_key, allow_sink, seeded, scenario_seed
):
    # when: schemathesis chains the webhook operations along the document's links (endpoints it
    # creates point at the test's receiver: a generated URL is refused before anything else)
    run = stateful_run(
        tenant=tenant,
        live_key=live_key,
        path_prefixes=PATH_PREFIXES,
        scenarios=STATEFUL_SCENARIOS,
        steps=STATEFUL_STEPS,
        body_overrides={CREATE: {"url": allow_sink.url()}},
        seed=scenario_seed,
    )

    # then: nothing it found, and every operation on an existing endpoint or delivery answered
    # a 2xx at least once
    assert not run.failures, run.report()
    assert len(run.id_operations) == 12, run.report()
    assert run.without_success(run.id_operations) == [], run.report()
