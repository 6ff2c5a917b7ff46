"""Property-based conformance of every marketplace operation of the published OpenAPI document
(harness: api/v1/tests/conformance.py)."""

import pytest

from api.v1.tests.conformance import conformance_failures, failures_report

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
