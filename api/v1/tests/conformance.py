"""The schemathesis harness shared by the /v1 conformance tests.

schemathesis drives operations of the published OpenAPI document against the app (in-process
WSGI through the product's handler, ``openchance.wsgi.PlatformWsgiHandler``; real PostgreSQL and
Redis) and checks each answer: no 5xx, a documented status, the documented content type and a
body matching the documented schema.

Two runs: ``conformance_failures`` exercises each operation on its own (generated path ids, then
the ids of real objects); ``stateful_run`` is schemathesis' stateful phase, chaining operations
along the document's OpenAPI links (a created challenge's id into its publish, an application's
``challenge`` into the award…), so operations on existing objects see their 2xx and their 409s,
not only 404s.

It runs inside the test's transaction like any other test: the WSGI handler's connection-closing
signals are detached meanwhile (as Django's own test client does), so nothing is committed and
the session tenants stay intact. (So objects a seed needs are made with services: Django's test
client would connect those signals again.)

The stateful run steers schemathesis' state machine through a few of its and Hypothesis'
internals (pinned versions, requirements-dev.txt): scenarios start from the seed's calls
(recorded as the machine records its own first steps), each step picks uniformly among the links
open now, and roots that need an id from nowhere are left out — see ``stateful_run``.
"""

import re
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field

import schemathesis
from hypothesis import HealthCheck, Phase, given, reject, settings
from hypothesis import strategies as st
from hypothesis.errors import Flaky
from hypothesis.stateful import Bundle, initialize, multiple
from schemathesis.checks import not_a_server_error
from schemathesis.core import NOT_SET
from schemathesis.engine.errors import is_inconsistent_replay
from schemathesis.generation import GenerationMode
from schemathesis.generation.stateful.state_machine import StepInput, normalize_name
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ensure_resource_availability,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    use_after_free,
)

from api.gateway import rate_limit_reset
from core.testing import connections_kept, host_of
from openchance.wsgi import PlatformWsgiHandler

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# The stateful phase also checks the documented headers, that a created object can be fetched,
# and that a deleted one is gone.
STATEFUL_CHECKS = [
    *CHECKS,
    response_headers_conformance,
    ensure_resource_availability,
    use_after_free,
]


@contextmanager
def _in_process_wsgi_app():
    with connections_kept():
        # The product's handler (its shorter API chain included), as granian serves it.
        yield PlatformWsgiHandler()


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
                # schemathesis raises its findings as an exception group (a BaseExceptionGroup).
                except (Exception, BaseExceptionGroup) as failure:  # noqa: BLE001 - collect all
                    failures[f"{operation.label} ({round_name})"] = (
                        f"{type(failure).__name__}: {failure}"[:3000]
                    )
    return len(operations), failures


def failures_report(failures: dict[str, str]) -> str:
    return "\n\n".join(f"{label}\n{text}" for label, text in failures.items())


# Runs started at most, each after a replay that could not follow the database (see below).
MAX_STATEFUL_RESTARTS = 100


class _EveryRule:
    """Feature flags that enable every rule (see ``stateful_run``)."""

    def is_enabled(self, name: str) -> bool:
        return True


@st.composite
def _uniform_rule(draw, rules):
    """One of the rules valid now, uniformly: from a Random seeded by a drawn value, so that a
    replay of the same choices picks the same rule."""
    valid = [rule for rule in rules.rules if rules.is_valid(rule)]
    if not valid:
        reject()
    return draw(st.randoms(use_true_random=True)).choice(valid)


@dataclass(frozen=True)
class SeedCall:
    """A call that starts every stateful scenario (see ``stateful_run``)."""

    label: str  # "POST /v1/challenges/{challenge_id}/publish"
    path_parameters: dict = field(default_factory=dict)
    body: object = None


@dataclass
class StatefulRun:
    """What a stateful run did: the answers per operation (``"POST /v1/challenges"`` → status →
    count) to the calls the machine chose (the seed calls' apart), and the failures found."""

    operations: list[str]
    scenarios: int = 0
    answers: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    seed_answers: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    problem_codes: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    failures: list[str] = field(default_factory=list)

    def without_success(self, labels) -> list[str]:
        """Those of ``labels`` that never got a 2xx answer."""
        return [
            label
            for label in labels
            if not any(200 <= status < 300 for status in self.answers.get(label, ()))
        ]

    @property
    def id_operations(self) -> list[str]:
        """The operations whose path names an existing object."""
        return [label for label in self.operations if "{" in label]

    @property
    def calls(self) -> int:
        return sum(sum(answers.values()) for answers in self.answers.values())

    def report(self) -> str:
        answers = "\n".join(
            f"  {label}: {dict(sorted(self.answers.get(label, Counter()).items()))} "
            f"{dict(self.problem_codes.get(label, Counter()).most_common(4))}"
            for label in self.operations
        )
        return (
            f"{self.scenarios} scenarios, {self.calls} calls; answers (and problem codes):\n"
            f"{answers}\n\n"
            f"seed calls: {dict(self.seed_answers)}\n\nfailures:\n" + "\n\n".join(self.failures)
        )


def stateful_run(
    *,
    tenant,
    live_key: str,
    path_prefixes: tuple[str, ...],
    scenarios: int,
    steps: int,
    body_overrides: dict[str, dict] | None = None,
    excluded: tuple[str, ...] = (),
    seed: Callable[[], list[SeedCall]] | None = None,
) -> StatefulRun:
    """Run schemathesis' stateful phase over the operations under ``path_prefixes``, following
    only the document's own links (schemathesis' link inference is off, so the run proves them):
    ``scenarios`` sequences of up to ``steps`` calls each. ``body_overrides`` maps an operation
    label to body fields to impose (e.g. a webhook URL the test's receiver answers at);
    ``excluded`` names operations (``"DELETE /v1/…"``) to leave out.

    ``seed`` runs at the start of every scenario: it prepares objects (with services) and returns
    the calls whose answers start the scenario, made through the machine as if it had chosen
    them — e.g. publishing a fresh draft, so that the scenario holds an open challenge's id from
    the first step, as a client would. Random sequences alone rarely reach states that take
    several calls in order (an award needs a closed challenge with an accepted application)."""
    host = host_of(tenant)
    with _in_process_wsgi_app() as app:
        schema = schemathesis.openapi.from_wsgi("/v1/openapi.json", app, headers={"Host": host})
        schema.config.phases.stateful.inference.algorithms = []
        # The budget goes to sequences of valid calls with the test's key: invalid input and
        # other credentials are the stateless run's and the gateway tests' business.
        schema.config.generation.modes = [GenerationMode.POSITIVE]
        schema.config.generation.with_security_parameters = False
        schema = schema.include(
            path_regex="^(" + "|".join(re.escape(prefix) for prefix in path_prefixes) + ")"
        )
        for label in excluded:
            method, _, path = label.partition(" ")
            schema = schema.exclude(method=method, path=path)
        run = StatefulRun(
            operations=sorted(
                result.ok().label for result in schema.get_all_operations() if result.ok()
            )
        )

        @schema.hook
        def map_body(context, body):
            overrides = (body_overrides or {}).get(context.operation.label)
            return {**body, **overrides} if overrides and isinstance(body, dict) else body

        @schema.hook
        def map_headers(context, headers):
            # Generated keys repeat ("0"), and a reused key with another body is a 422 by design
            # (api/v1/tests/test_idempotency.py): give each call its own.
            if headers and "Idempotency-Key" in headers:
                headers["Idempotency-Key"] = f"stateful-{uuid.uuid4().hex}"
            return headers

        seeding = [False]

        @schema.hook
        def after_call(context, case, response):
            answers = run.seed_answers if seeding[0] else run.answers
            answers[case.operation.label][response.status_code] += 1
            if response.status_code >= 400:
                try:
                    code = response.json().get("code")
                except ValueError:
                    code = None
                run.problem_codes[case.operation.label][str(code)] += 1

        machine = schema.as_state_machine()

        seeds = Bundle("seeds")

        class Workflow(machine):
            def __init__(self):
                super().__init__()
                # Each step follows one of the links open now, chosen uniformly. Hypothesis'
                # own choice favours the first rules by name (its integers lean to small
                # values) and its swarm testing switches a random half of them off for a whole
                # scenario: either way the link a start leads to is often never taken.
                rules = self._rules_strategy
                rules.enabled_rules_strategy = st.just(_EveryRule())
                rules._enabled_rules_strategy = _uniform_rule(rules)

            @initialize(target=seeds)
            def seed_scenario(self):
                run.scenarios += 1
                outputs = []
                for call in seed() if seed is not None else ():
                    if call.label not in run.operations:
                        continue  # left out of this run (``path_prefixes``, ``excluded``)
                    method, _, path = call.label.partition(" ")
                    case = schema[path][method].Case(
                        path_parameters=call.path_parameters,
                        body=NOT_SET if call.body is None else call.body,
                    )
                    # What the machine's own first steps do (schemathesis' `transition`), so that
                    # the steps that follow find this call in the scenario's records.
                    self.recorder.record_case(case=case)
                    self.control.record_step(StepInput.initial(case), self.recorder)
                    seeding[0] = True
                    try:
                        outputs.append(self._step(StepInput.initial(case)))
                    finally:
                        seeding[0] = False
                # Each answer joins the bundle of its operation and status (schemathesis routes
                # results by response, whatever the target), ready for the links that follow.
                return multiple(*outputs)

            def before_call(self, case):
                # The plan's limits are not under test here: every call starts with a full bucket.
                rate_limit_reset(organisation_id=tenant.pk)

            def get_call_kwargs(self, case):
                return {
                    "base_url": f"http://{host}",
                    "headers": {"Authorization": f"Bearer {live_key}", "Host": host},
                }

            def validate_response(self, response, case, additional_checks=None, **kwargs):
                case.validate_response(
                    response,
                    checks=STATEFUL_CHECKS,
                    transport_kwargs=kwargs or None,
                    recorder=self.recorder,
                )

        # schemathesis starts scenarios at any POST, also one on an object's path with a
        # generated id — which only ever answers 404: those ids come from links instead. With a
        # seed, scenarios start from its answers and only follow links (a root would compete
        # at every step with the link a start leads to).
        dropped = {
            name
            for name in machine.root_rules
            if seed is not None
            or name in {normalize_name(f"RANDOM -> {label}") for label in run.id_operations}
        }
        for name in dropped:
            setattr(Workflow, name, None)
        Workflow.root_rules = machine.root_rules - dropped
        Workflow._root_labels = frozenset(
            label
            for label in machine._root_labels
            if normalize_name(f"RANDOM -> {label}") not in dropped
        )
        # Hypothesis replays choice sequences while it explores; against a database that moved
        # on since, a replay can take another path (Flaky). That says nothing about the API:
        # schemathesis' own runner ends the suite there; this one starts another run for the
        # scenarios left.
        for _ in range(MAX_STATEFUL_RESTARTS):
            left = scenarios - run.scenarios
            if left <= 0:
                break
            try:
                Workflow.run(
                    settings=settings(
                        max_examples=left,
                        stateful_step_count=steps,
                        deadline=None,
                        database=None,
                        phases=[Phase.generate],
                        suppress_health_check=list(HealthCheck),
                    )
                )
                break
            except Flaky:
                continue
            except (Exception, BaseExceptionGroup) as failure:  # noqa: BLE001 - see the report
                if is_inconsistent_replay(failure):  # the same, asserted by Hypothesis' data tree
                    continue
                run.failures.append(f"{type(failure).__name__}: {failure}"[:6000])
                break
    return run
