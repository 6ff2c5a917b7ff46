"""Property-based conformance of every marketplace operation of the published OpenAPI document
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
from marketplace import services

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
def seeded(api):
    """Real objects whose ids fill the path parameters of a second round per operation, so the
    checks also see 200s, 409s and 422s on existing data, not only 404s on random ids."""
    ids = api.one_of_each(rating=4)
    return {
        "challenge_id": ids["chl"],
        "application_id": ids["app"],
        "message_id": ids["msg"],
        "review_id": ids["rev"],
        "event_id": ids["evt"],
    }


@pytest.mark.slow
def test_schemathesis_finds_nothing(tenant, live_key, seeded):
    # when
    operations, failures = conformance_failures(
        tenant=tenant,
        live_key=live_key,
        path_prefixes=PATH_PREFIXES,
        existing_ids=seeded,
        examples=EXAMPLES_PER_OPERATION,
    )

    # then
    assert operations >= 28
    assert not failures, failures_report(failures)


# Sequences and their length for the stateful phase: enough for every operation on an existing
# object to come up along the links, within about a minute.
STATEFUL_SCENARIOS = 240
STATEFUL_STEPS = 8


@pytest.fixture
def scenario_seed(tenant):
    """The first calls of each scenario, in turn one of: creating a draft, applying to an open
    challenge, closing a challenge that has an accepted application, shortlisting an application,
    listing events, reviews and a challenge's applications — states a client reaches in several
    calls, made through the API so that their answers feed the links. One start per scenario
    keeps few links open at first, so that the machine often takes the next step it leads to."""
    numbers = itertools.count()

    def draft() -> list[SeedCall]:
        return [SeedCall("POST /v1/challenges", body={"title": f"Draft {next(numbers)}"})]

    def open_challenge() -> list[SeedCall]:
        challenge = _open_challenge("Open for applications")
        applicant = {"name": "Grace", "email": f"grace-{next(numbers)}@example.com"}
        body = {"applicant": applicant, "pitch": "Me."}
        return [SeedCall(APPLY, {"challenge_id": challenge.id}, body)]

    def challenge_to_award() -> list[SeedCall]:
        challenge = _open_challenge("To award")
        application = _application(challenge, f"ada-{next(numbers)}@example.com")
        services.application_shortlist(application_id=application.id)
        services.application_accept(application_id=application.id)
        return [SeedCall(CLOSE, {"challenge_id": challenge.id})]

    def application() -> list[SeedCall]:
        challenge = _open_challenge("Shortlisting")
        submitted = _application(challenge, f"alan-{next(numbers)}@example.com")
        return [SeedCall(SHORTLIST, {"application_id": submitted.id})]

    def lists() -> list[SeedCall]:
        # Events and reviews are made by no operation from generated input: their ids come from
        # the lists (newest first); so do, here, those of an application's messages.
        application = _application(_open_challenge("Talked about"), f"ida-{next(numbers)}@x.org")
        services.message_create(application_id=application.id, author="applicant", body="Hi")
        return [
            SeedCall("GET /v1/events"),
            SeedCall("GET /v1/reviews"),
            SeedCall(MESSAGES, {"application_id": application.id}),
        ]

    def challenge_applications() -> list[SeedCall]:
        challenge = _open_challenge("Listed")
        _application(challenge, f"edsger-{next(numbers)}@example.com")
        return [SeedCall(APPLICATIONS, {"challenge_id": challenge.id})]

    # Awards (at the end of the longest way), drafts and applications (with the most links) come
    # up twice.
    starts = itertools.cycle(
        [
            draft,
            open_challenge,
            challenge_to_award,
            application,
            lists,
            challenge_applications,
            challenge_to_award,
            draft,
            open_challenge,
            application,
        ]
    )

    def seed() -> list[SeedCall]:
        with tenant_context(tenant):
            return next(starts)()

    return seed


APPLY = "POST /v1/challenges/{challenge_id}/applications"
DELETE_CHALLENGE = "DELETE /v1/challenges/{challenge_id}"
APPLY = "POST /v1/challenges/{challenge_id}/applications"
CLOSE = "POST /v1/challenges/{challenge_id}/close"
SHORTLIST = "POST /v1/applications/{application_id}/shortlist"
APPLICATIONS = "GET /v1/challenges/{challenge_id}/applications"
MESSAGES = "GET /v1/applications/{application_id}/messages"


def _open_challenge(title: str):
    return services.challenge_publish(challenge_id=services.challenge_create(title=title).id)


def _application(challenge, email: str):
    return services.application_submit(
        challenge_id=challenge.id, applicant_name="Ada", applicant_email=email
    )


@pytest.mark.slow
def test_stateful_phase_follows_the_links_to_existing_objects(
    tenant, live_key, seeded, scenario_seed
):
    # when: schemathesis chains operations along the document's links
    run = stateful_run(
        tenant=tenant,
        live_key=live_key,
        path_prefixes=PATH_PREFIXES,
        scenarios=STATEFUL_SCENARIOS,
        steps=STATEFUL_STEPS,
        seed=scenario_seed,
    )

    # then: nothing it found; every operation on an existing object reached one (an answer other
    # than 404: with generated ids alone they only ever see 404s), and all but DELETE answered a
    # 2xx at least once. Deleting needs a draft, which the links leave at once (publish, cancel,
    # apply…) in nearly every sequence; test_challenges deletes drafts and refuses the rest.
    assert not run.failures, run.report()
    assert len(run.id_operations) >= 20, run.report()
    reached = [
        label
        for label in run.id_operations
        if any(status != 404 for status in run.answers.get(label, ()))
    ]
    assert reached == run.id_operations, run.report()
    # Applying may also go without a 2xx: an application body carries `metadata`, whose keys must
    # be 1-40 characters — a rule OpenAPI 3.0 cannot state (no `propertyNames`), so most generated
    # bodies are refused (400 validation_error, documented); the seed applies for real and
    # test_applications covers the rest.
    allowed_without_success = {DELETE_CHALLENGE, APPLY}
    assert set(run.without_success(run.id_operations)) <= allowed_without_success, run.report()
