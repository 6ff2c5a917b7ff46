"""Request bodies and ApiView's before/after path (issue 8, item 5).

Every JSON body goes through ``api.parsers.SafeJSONParser``: too deep, ``NaN``/``Infinity``, NUL or
an unpaired surrogate anywhere (keys included) is a fast 400 ``invalid_json`` that names the
problem — and is metered like any call. Whatever raises around the handler (rendering, DRF's
finalisation) becomes a logged 500 problem, still metered; the excerpt redaction that runs on
every failed call never raises, whatever the body.
"""

import time

import pytest
from django_redis import get_redis_connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.gateway import rate_limit_reset, usage_buffer_push
from api.redaction import REDACTED, excerpt_redact
from api.v1.tests.hostile import hostile_json_body, hostile_json_document
from apikeys.services import api_key_create
from core.testing import problem
from metering.records import EXCERPT_MAX_CHARS, USAGE_STREAM, UsageRecord

pytestmark = pytest.mark.django_db

# Each call, deep bodies included, answers well within this (it took 13-46 s before the fix).
CALL_SECONDS = 2.0


@pytest.fixture
def metered(api_client_factory, tenant):
    """A client with a fresh key of its own, and ``records()``: the usage records of that key."""
    issued = api_key_create(tenant=tenant, name="bodies")
    client = api_client_factory(issued.secret)

    def records() -> list[UsageRecord]:
        usage_buffer_push()
        entries = get_redis_connection("default").xrange(USAGE_STREAM)
        # Only this key's entries are read strictly: other tests leave poisoned entries behind
        # on purpose (the quarantine's), which are not this test's business.
        key_id = issued.api_key.pk.encode()
        return [
            UsageRecord.from_fields(fields) for _id, fields in entries if fields.get(b"k") == key_id
        ]

    client.records = records
    return client


def _post(client, path: str, body: bytes | str):
    started = time.perf_counter()
    response = client.generic("POST", path, body, content_type="application/json")
    return response, time.perf_counter() - started


def _nested_metadata(depth: int) -> str:
    return '{"title": "Deep", "metadata": ' + '{"a": ' * depth + '"x"' + "}" * depth + "}"


@pytest.mark.parametrize("depth", [33, 500, 900, 10_000, 100_000])
def test_deeply_nested_json_is_a_fast_400_and_metered(metered, depth):
    # when
    response, seconds = _post(metered, "/v1/challenges", _nested_metadata(depth))

    # then
    body = problem(response, 400, "invalid_json")
    assert "nested deeper than 32 levels" in body["detail"]
    assert seconds < CALL_SECONDS
    [record] = metered.records()
    assert (record.status, record.request_id) == (400, response["X-Request-Id"])
    assert '"title"' in record.request_excerpt and "Deep" in record.request_excerpt


def test_nesting_within_the_limit_reaches_the_serializer(metered):
    response, _ = _post(metered, "/v1/challenges", _nested_metadata(20))

    body = problem(response, 400, "validation_error")
    assert "metadata" in body["errors"]


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ('{"title": "x", "max_applications": NaN}', "NaN"),
        ('{"title": "x", "max_applications": Infinity}', "Infinity"),
        ('{"title": "x", "max_applications": -Infinity}', "-Infinity"),
        ('{"title": "x\\u0000"}', "NUL"),
        ('{"title": "x", "metadata": {"\\u0000": "x"}}', "NUL"),
        ('{"title": "\\ud800"}', "surrogate"),
        ('{"title": "x", "metadata": {"\\ud800": "x"}}', "surrogate"),
        ('{"title": "x", "metadata": {"k": "\\udfff"}}', "surrogate"),
        ('{"title": "x", "tags": ["\\udc00"]}', "surrogate"),
    ],
)
def test_unsafe_json_anywhere_is_400_invalid_json(metered, tenant, in_schema, body, named):
    from marketplace.models import Challenge

    response, _ = _post(metered, "/v1/challenges", body)

    assert named in problem(response, 400, "invalid_json")["detail"]
    in_schema(tenant)
    assert not Challenge.objects.exists()


@pytest.mark.parametrize(
    ("body", "named"),
    [
        (b'{"title": "\xff"}', "not valid utf-8"),
        (b"{", "JSON parse error"),
        (b"\xef\xbb\xbf{}", "JSON parse error"),
    ],
)
def test_bytes_that_are_not_utf8_json_are_400_invalid_json(metered, body, named):
    response, _ = _post(metered, "/v1/challenges", body)

    assert named in problem(response, 400, "invalid_json")["detail"]


def test_a_paired_surrogate_escape_is_an_ordinary_character(metered):
    response, _ = _post(metered, "/v1/challenges", '{"title": "Smile \\ud83d\\ude00"}')

    assert response.status_code == 201, response.content
    assert response.json()["title"] == "Smile \U0001f600"


def test_batch_operation_bodies_are_bounded_too(metered):
    operation = '{"method": "POST", "path": "/v1/challenges", "body": ' + _nested_metadata(40)
    response, _ = _post(metered, "/v1/batch", '{"operations": [' + operation + "}]}")

    problem(response, 400, "invalid_json")


@settings(max_examples=120, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(body=hostile_json_body(), path=st.sampled_from(["/v1/challenges", "/v1/batch"]))
def test_hostile_bodies_are_never_5xx(metered, tenant, body, path):
    rate_limit_reset(organisation_id=tenant.pk)

    response, seconds = _post(metered, path, body)

    assert seconds < CALL_SECONDS
    if response.status_code >= 400:
        problem(response, response.status_code)
    assert response.status_code < 500


# --- The after-path: nothing escapes, the call is metered


@pytest.fixture
def edge_probes(settings):
    settings.ROOT_URLCONF = "api.tests.edge_probes"


@pytest.mark.parametrize("path", ["/v1/_edge/unrenderable", "/v1/_edge/not-a-response"])
def test_a_failure_outside_the_handler_is_a_logged_500_problem_and_metered(
    edge_probes, metered, caplog, path
):
    # when
    response = metered.get(path)

    # then
    problem(response, 500, "internal_error")
    assert "X-RateLimit-Remaining" in response
    assert any(record.levelname == "ERROR" for record in caplog.records)
    [record] = metered.records()
    assert (record.status, record.request_id) == (500, response["X-Request-Id"])
    assert record.route == "/" + path.lstrip("/")


# --- Redaction never raises and never keeps what PostgreSQL cannot store


@settings(max_examples=300, deadline=None, database=None)
@given(raw=st.one_of(hostile_json_body(), hostile_json_document(), st.text()))
def test_excerpt_redaction_never_raises_and_is_storable(raw):
    excerpt = excerpt_redact(raw)

    assert len(excerpt) <= EXCERPT_MAX_CHARS
    assert "\x00" not in excerpt
    excerpt.encode("utf-8")  # no unpaired surrogate


@pytest.mark.parametrize(
    "huge",
    [
        '{"note": "' + "x" * 10_000_000 + '", "password": "hunter2"}',  # 10 MB that parses
        "[" * 5_000_000 + "]" * 5_000_000,  # 10 MB, nested
        "é" * 10_000_000,  # not JSON
    ],
    ids=["document", "nested", "text"],
)
def test_redaction_reads_a_bounded_prefix_whatever_the_size(huge):
    """Its work is bounded by the input's first ``32 × EXCERPT_MAX_CHARS`` characters (not timed
    here: a test must not time): a 10 MB body redacts exactly as its prefix does — a document
    parsed whole would come out otherwise."""
    prefix = huge[: EXCERPT_MAX_CHARS * 32]

    assert excerpt_redact(huge) == excerpt_redact(prefix)
    assert excerpt_redact(huge.encode()) == excerpt_redact(prefix)


@pytest.mark.parametrize(
    "raw",
    [
        '{"password": "hunter2", "x": ' + "[" * 900 + "1" + "]" * 900 + "}",  # too deep to parse
        '{"password": "hunter2", "card": 4111111111111111, "note": "cut off he',  # cut off
        '{"note": "' + "x" * 1900 + '", "api_key": "hunter2',  # cut off inside the secret
        '{"nested": {"client_secret" : "hunter2"}} trailing',  # not JSON as a whole
    ],
)
def test_excerpts_of_documents_that_do_not_parse_still_hide_credentials(raw):
    excerpt = excerpt_redact(raw)

    assert "hunter2" not in excerpt and "4111111111111111" not in excerpt, excerpt
    assert REDACTED in excerpt
