"""Hostile calls over HTTP (through the whole middleware stack and the gateway) are metered like
any other: generated path segments (any bytes, percent-encoded: NUL, controls, invalid UTF-8),
methods, X-Request-Id headers and bodies never make a record that PostgreSQL refuses, the flush
keeps advancing, and every call the gateway answered is in the ledger exactly once.

The issue-8 repro (``GET /v1/challenges/%00``, then every flush failed for every tenant) is the
first, fixed example.
"""

import urllib.parse

import pytest
from django.db.models import Sum
from django_redis import get_redis_connection
from django_tenants.utils import tenant_context
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from api.gateway import usage_buffer_push
from apikeys.services import api_key_create
from metering.models import UsageFlushCursor, UsageMinute, UsageQuarantine
from metering.records import USAGE_STREAM
from metering.services import usage_flush
from requestlog.models import RequestLog

pytestmark = pytest.mark.django_db

_methods = st.sampled_from(["GET", "POST", "PATCH", "DELETE", "OPTIONS"]) | st.text(
    st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ"), min_size=1, max_size=40
)
_header = st.text(st.characters(min_codepoint=0, max_codepoint=255), max_size=300)


def _ledger_calls(key_id: str) -> int:
    return UsageMinute.objects.filter(api_key_id=key_id).aggregate(n=Sum("calls"))["n"] or 0


@pytest.fixture
def metered_client(api_client_factory, tenant):
    issued = api_key_create(tenant=tenant, name="hostile")
    usage_buffer_push()
    usage_flush()  # start from a flushed stream: whatever follows is this test's
    return issued.api_key.pk, api_client_factory(issued.secret)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    segment=st.binary(max_size=400),
    method=_methods,
    client_id=_header,
    body=st.binary(max_size=3000),
)
@example(segment=b"\x00", method="GET", client_id="", body=b"")
@example(segment=b"\xff\xfe\x85\x1b[2J", method="PROPFINDEXTENDED", client_id="\x00", body=b"\x00")
def test_hostile_calls_are_metered_exactly_once_and_the_flush_advances(
    metered_client, tenant, segment, method, client_id, body
):
    # given
    key_id, client = metered_client
    before, quarantined_before = _ledger_calls(key_id), UsageQuarantine.objects.count()
    path = "/v1/challenges/" + urllib.parse.quote_from_bytes(segment, safe="")

    # when
    response = client.generic(
        method, path, data=body, content_type="application/json", HTTP_X_REQUEST_ID=client_id
    )
    usage_buffer_push()
    result = usage_flush()

    # then: never a 5xx; the call went through the gateway and is metered once, unquarantined
    assert response.status_code < 500, response.content
    assert "X-RateLimit-Limit" in response  # answered by the gateway, so metered
    assert result.quarantined == 0
    assert UsageQuarantine.objects.count() == quarantined_before
    assert _ledger_calls(key_id) == before + 1
    with tenant_context(tenant):
        log = RequestLog.objects.get(request_id=response["X-Request-Id"])
    assert "\x00" not in log.path and len(log.path) <= 500
    if segment == b"\x00":
        assert log.path == "/v1/challenges/%00"  # visible, not dropped
    # ... and the stream is flushed up to its end
    assert get_redis_connection("default").xrange(USAGE_STREAM, min=f"({_cursor()}") == []


def _cursor() -> str:
    return UsageFlushCursor.objects.get(stream=USAGE_STREAM).last_id
