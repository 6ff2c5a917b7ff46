"""Property-based conformance of the /v1 webhook operations: schemathesis drives each one from
the published OpenAPI document against the app (in-process WSGI, full middleware, real PostgreSQL
and Redis) and checks each answer: no 5xx, a documented status and content type, a body that
matches the documented schema. Same harness as api/v1/tests/test_schemathesis.py."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django_tenants.utils import tenant_context
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.gateway import rate_limit_reset
from events.models import Event
from openchance.testing import host_of
from webhooks.models import WebhookDelivery
from webhooks.services import webhook_delivery_attempt, webhook_event_fan_out
from webhooks.testing import Reply

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
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


@pytest.fixture
def wsgi_app(seeded):
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.slow
def test_webhook_operations_conform_to_the_schema(tenant, live_key, wsgi_app, seeded):
    # given
    host = host_of(tenant)
    schema = schemathesis.openapi.from_wsgi("/v1/openapi.json", wsgi_app, headers={"Host": host})
    operations = [
        result.ok()
        for result in schema.get_all_operations()
        if result.ok().path.startswith(("/v1/webhook_endpoints", "/v1/webhook_deliveries",
                                        "/v1/webhook_attempts"))
    ]  # fmt: skip
    assert len(operations) == 16
    failures = {}
    # when
    for operation in operations:
        parameter_names = {parameter.name for parameter in operation.path_parameters}
        rounds = [("random ids", None)]
        if parameter_names:
            rounds.append(("existing", {name: seeded[name] for name in parameter_names}))
        for round_name, path_parameters in rounds:

            @settings(
                max_examples=EXAMPLES_PER_OPERATION,
                deadline=None,
                derandomize=True,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy(path_parameters=path_parameters))
            def exercise(case):
                rate_limit_reset(organisation_id=tenant.pk)
                response = case.call(
                    base_url=f"http://{host}",
                    headers={"Authorization": f"Bearer {live_key}", "Host": host},
                )
                case.validate_response(response, checks=CHECKS)

            try:
                exercise()
            except Exception as failure:  # noqa: BLE001 - collect every operation's findings
                failures[f"{operation.label} ({round_name})"] = (
                    f"{type(failure).__name__}: {failure}"[:3000]
                )
    # then
    assert not failures, "\n\n".join(f"{label}\n{text}" for label, text in failures.items())
