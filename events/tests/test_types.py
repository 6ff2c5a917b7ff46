"""One event-type grammar (``events.types``), and the same answer from every place that selects
events by it: the webhook fan-out (endpoint subscriptions), ``GET /v1/events?type=`` and the
WebSocket stream's subscriptions. Patterns are refused the same way where they come in."""

import pytest
from django_tenants.utils import tenant_context
from hypothesis import given
from hypothesis import strategies as st

from api.v1.tests.support import problem
from api.ws import _matches as websocket_matches
from events.models import Event
from events.types import (
    InvalidEventTypePatternError,
    event_type_is_valid,
    event_type_matches,
    event_type_pattern_is_valid,
    event_type_pattern_validate,
    event_type_patterns_matching,
)
from webhooks.models import WebhookDelivery
from webhooks.services.endpoints import webhook_endpoint_create
from webhooks.services.fan_out import webhook_event_fan_out

RECEIVER = "http://127.0.0.1:9/hook"  # never called: these tests only fan out


@pytest.fixture
def allow_receiver(settings):
    settings.WEBHOOK_ALLOWED_PRIVATE_HOSTS = ["127.0.0.1:9"]


# (pattern, event type, matches?)
MATCHES = [
    ("*", "challenge.created", True),
    ("*", "ping", True),
    ("ping", "ping", True),
    ("challenge.created", "challenge.created", True),
    ("challenge.created", "challenge.updated", False),
    ("challenge.*", "challenge.created", True),
    ("challenge.*", "challenge", False),
    ("challenge.*", "challenges.created", False),
    ("challenge.*", "application.submitted", False),
    ("application.*", "application.status_changed", True),  # was accepted, never delivered
    ("application.*", "application", False),
    ("billing.*", "billing.invoice.paid", True),
    ("billing.invoice.*", "billing.invoice.paid", True),
    ("billing.invoice.*", "billing.invoices.paid", False),
    ("billing.invoice.paid", "billing.invoice", False),
    ("webhook_endpoint.*", "webhook_endpoint.disabled", True),
    ("webhook_endpoint.*", "webhookxendpoint.disabled", False),  # "_" is no wildcard
    ("review.created", "review.created", True),
]

# Refused wherever a pattern comes in (printable: each also reaches the API as it is).
INVALID_PATTERNS = [
    "challenge*", "*.created", "challenge.**", "challenge..created", ".created", "challenge.",
    "Challenge.created", "challenge.*.created", "**", "chal lenge", "challenge.%", "challenge._",
    "1challenge.created", "challenge-created", "é.created",
]  # fmt: skip


@pytest.mark.parametrize(("pattern", "event_type", "expected"), MATCHES)
def test_the_grammar(pattern, event_type, expected):
    assert event_type_pattern_is_valid(pattern) and event_type_is_valid(event_type)
    assert event_type_matches(pattern, event_type) is expected


@pytest.mark.parametrize(("pattern", "event_type", "expected"), MATCHES)
def test_fan_out_events_list_and_websocket_give_the_same_answer(
    api, allow_receiver, tenant, pattern, event_type, expected
):
    # given: an endpoint subscribed to the pattern, and an event of the type
    with tenant_context(tenant):
        endpoint = webhook_endpoint_create(url=RECEIVER, event_types=[pattern])
        event = Event.objects.create(type=event_type, data={}, livemode=True)
        # when
        webhook_event_fan_out(event_id=event.id)
        delivered = WebhookDelivery.objects.filter(endpoint=endpoint, event=event).exists()
    listed = api.get("/v1/events", type=pattern)
    # then
    assert listed.status_code == 200, listed.content
    assert delivered is expected
    assert (event.id in [e["id"] for e in listed.json()["data"]]) is expected
    assert websocket_matches(event_type, {pattern}) is expected


@pytest.mark.parametrize("pattern", INVALID_PATTERNS)
def test_invalid_patterns_are_refused_alike_at_registration_and_in_the_events_list(
    api, allow_receiver, pattern
):
    # given
    existing = api.post("/v1/webhook_endpoints", {"url": RECEIVER, "events": ["*"]})
    assert existing.status_code == 201, existing.content
    path = f"/v1/webhook_endpoints/{existing.json()['id']}"
    # when
    responses = [
        api.post("/v1/webhook_endpoints", {"url": RECEIVER, "events": [pattern]}),
        api.patch(path, {"events": ["challenge.created", pattern]}),
        api.get("/v1/events", type=pattern),
    ]
    # then
    for response in responses:
        body = problem(response, 400, "invalid_event_type_pattern")
        assert body["field"] in ("events", "type")
    assert api.get(path).json()["events"] == ["*"]
    assert len(api.get("/v1/webhook_endpoints").json()["data"]) == 1
    assert not event_type_pattern_is_valid(pattern)
    with pytest.raises(InvalidEventTypePatternError):
        event_type_pattern_validate(pattern)


@pytest.mark.parametrize(
    "pattern", ["", "a" * 101, "challenge\x00", "challenge.\ud800", "challenge.created\n", None, 7]
)
def test_patterns_outside_the_grammar_are_not_patterns(pattern):
    assert not event_type_pattern_is_valid(pattern)
    with pytest.raises(InvalidEventTypePatternError):
        event_type_pattern_validate(pattern)


_segment = st.from_regex(r"[a-z][a-z0-9_]{0,6}", fullmatch=True)
_event_type = st.lists(_segment, min_size=1, max_size=4).map(".".join)


@given(event_type=_event_type, other=_event_type, cut=st.integers(min_value=1, max_value=4))
def test_the_grammar_against_its_plain_statement(event_type, other, cut):
    """``*`` matches all; a type matches itself only; ``<prefix>.*`` matches exactly the types
    that start with ``<prefix>.`` — for generated types, prefixes and unrelated types."""
    segments = event_type.split(".")
    family = ".".join(segments[: min(cut, len(segments))]) + ".*"
    for pattern in ("*", event_type, family):
        assert event_type_pattern_is_valid(pattern)
        for candidate in (event_type, other):
            plain = (
                pattern == "*"
                or pattern == candidate
                or (pattern.endswith(".*") and candidate.startswith(pattern[:-1]))
            )
            assert event_type_matches(pattern, candidate) is plain
    assert set(event_type_patterns_matching(event_type)) >= {"*", event_type}
