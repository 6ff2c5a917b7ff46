"""The schemathesis harness shared by the /v1 conformance tests.

schemathesis drives operations of the published OpenAPI document against the app (in-process
WSGI, the full middleware stack, real PostgreSQL and Redis) and checks each answer: no 5xx, a
documented status, the documented content type and a body matching the documented schema.

It runs inside the test's transaction like any other test: the WSGI handler's connection-closing
signals are detached meanwhile (as Django's own test client does), so nothing is committed and
the session tenants stay intact.
"""

from contextlib import contextmanager

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
from core.testing import host_of

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@contextmanager
def _in_process_wsgi_app():
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def conformance_failures(
    *, tenant, live_key: str, path_prefixes: tuple[str, ...], existing_ids: dict, examples: int
) -> tuple[int, dict[str, str]]:
    """Run every operation under ``path_prefixes``: once with generated path ids, and once more
    with ``existing_ids`` (real objects) where it has path parameters. Returns the number of
    operations and the failures by operation and round."""
    host = host_of(tenant)
    failures: dict[str, str] = {}
    with _in_process_wsgi_app() as app:
        schema = schemathesis.openapi.from_wsgi("/v1/openapi.json", app, headers={"Host": host})
        operations = [
            result.ok()
            for result in schema.get_all_operations()
            if result.ok().path.startswith(path_prefixes)
        ]
        for operation in operations:
            parameter_names = {parameter.name for parameter in operation.path_parameters}
            rounds = [("random ids", None)]
            if parameter_names:
                rounds.append(
                    ("existing objects", {name: existing_ids[name] for name in parameter_names})
                )
            for round_name, path_parameters in rounds:

                @settings(
                    max_examples=examples,
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
    return len(operations), failures


def failures_report(failures: dict[str, str]) -> str:
    return "\n\n".join(f"{label}\n{text}" for label, text in failures.items())
