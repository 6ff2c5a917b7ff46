"""Property-based conformance: schemathesis drives every marketplace operation of the published
OpenAPI document against the app (in-process WSGI, the full middleware stack, real PostgreSQL and
Redis) and checks each answer: no 5xx, a documented status, the documented content type and a
body matching the documented schema.

Runs inside the test's transaction like any other test: the WSGI handler's connection-closing
signals are detached for the duration (as Django's own test client does), so nothing is
committed and the session tenants stay intact.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.gateway import rate_limit_reset
from openchance.testing import host_of

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# The marketplace API of issue 4; other /v1 families (keys, webhooks) are tested by their owners.
PATH_PREFIXES = (
    "/v1/challenges",
    "/v1/applications",
    "/v1/messages",
    "/v1/reviews",
    "/v1/events",
    "/v1/batch",
)
EXAMPLES_PER_OPERATION = 40


@pytest.fixture
def wsgi_app(seeded):
    # After ``seeded``: Django's test Client reconnects these signals after each of its requests.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def seeded(api):
    """Real objects whose ids fill the path parameters of a second round per operation, so the
    checks also see 200s, 409s and 422s on existing data, not only 404s on random ids."""
    challenge = api.open_challenge()
    application = api.accepted_application(challenge["id"])
    message = api.post(
        f"/v1/applications/{application['id']}/messages", {"author": "applicant", "body": "Hi"}
    ).json()
    review = api.post("/v1/reviews", {"application": application["id"], "rating": 4}).json()
    event = api.get("/v1/events", limit=1).json()["data"][0]
    return {
        "challenge_id": challenge["id"],
        "application_id": application["id"],
        "message_id": message["id"],
        "review_id": review["id"],
        "event_id": event["id"],
    }


def test_schemathesis_finds_nothing(tenant, live_key, wsgi_app, seeded):
    # given
    host = host_of(tenant)
    schema = schemathesis.openapi.from_wsgi("/v1/openapi.json", wsgi_app, headers={"Host": host})
    operations = [
        result.ok()
        for result in schema.get_all_operations()
        if result.ok().path.startswith(PATH_PREFIXES)
    ]
    assert len(operations) >= 28
    failures = {}

    # when
    for operation in operations:
        parameter_names = {parameter.name for parameter in operation.path_parameters}
        rounds = [("random ids", None)]
        if parameter_names:
            existing = {name: seeded[name] for name in parameter_names}
            rounds.append(("existing objects", existing))
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
                label = f"{operation.label} ({round_name})"
                failures[label] = f"{type(failure).__name__}: {failure}"[:3000]

    # then
    assert not failures, "\n\n".join(f"{label}\n{text}" for label, text in failures.items())
