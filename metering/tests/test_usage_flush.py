"""Metering: one usage record per call, buffered in Redis, folded into PostgreSQL by the flush —
per-minute ledger rows in the public schema, request logs in the tenant's schema."""

import pytest
from django.conf import settings
from django.db.models import Sum
from django_redis import get_redis_connection
from django_tenants.utils import tenant_context

from api.gateway import usage_buffer_pending, usage_buffer_push
from apikeys.models import ApiKey
from apikeys.services import api_key_create
from metering.models import UsageMinute
from metering.records import USAGE_STREAM, UsageRecord
from metering.services import usage_flush
from requestlog.models import RequestLog

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def probes(settings):
    settings.ROOT_URLCONF = "api.tests.probes"


def _records_of(key_id: str) -> list[UsageRecord]:
    usage_buffer_push()
    entries = get_redis_connection("default").xrange(USAGE_STREAM)
    records = [UsageRecord.from_fields(fields) for _id, fields in entries]
    return [record for record in records if record.api_key_id == key_id]


def _calls_of(key_id: str, **filters) -> int:
    rows = UsageMinute.objects.filter(api_key_id=key_id, **filters)
    return rows.aggregate(calls=Sum("calls"))["calls"] or 0


def test_every_call_yields_one_record_with_the_route_template(api_client_factory, tenant):
    # given
    issued = api_key_create(tenant=tenant, name="metered")
    client = api_client_factory(issued.secret)

    # when
    ok = client.get("/v1/_probe/items/chl_123")
    bad = client.post(
        "/v1/_probe/items/chl_9", {"title": "too long a title"}, content_type="application/json"
    )

    # then
    records = _records_of(issued.api_key.pk)
    assert len(records) == 2
    first, second = records
    assert first.route == second.route == "/v1/_probe/items/<str:item_id>"
    assert (first.method, first.status, first.path) == ("GET", 200, "/v1/_probe/items/chl_123")
    assert (second.method, second.status) == ("POST", 400)
    assert first.request_id == ok["X-Request-Id"] and second.request_id == bad["X-Request-Id"]
    assert first.organisation_id == first.tenant_id == tenant.pk
    assert first.mode == "live" and first.is_billable
    assert first.duration_ms > 0 and first.response_bytes == len(ok.content)
    assert second.request_bytes > 0
    assert first.request_excerpt == "" and '"title"' in second.response_excerpt


def test_nothing_is_written_to_postgresql_on_the_request_path(api_client_factory, tenant):
    issued = api_key_create(tenant=tenant, name="metered")
    client = api_client_factory(issued.secret)

    client.get("/v1/me")
    client.get("/v1/me")

    assert _calls_of(issued.api_key.pk) == 0
    assert ApiKey.objects.get(pk=issued.api_key.pk).last_used_at is None


def test_flush_folds_calls_into_the_ledger_and_tenant_request_logs(api_client_factory, tenant):
    # given
    issued = api_key_create(tenant=tenant, name="metered")
    client = api_client_factory(issued.secret)
    ok = [client.get(f"/v1/_probe/items/{n}") for n in range(3)]
    failed = client.post(
        "/v1/_probe/items/x",
        {"title": "far too long", "password": "hunter2", "note": f"key {issued.secret}"},
        content_type="application/json",
    )
    usage_buffer_push()

    # when
    usage_flush()

    # then
    key_id = issued.api_key.pk
    assert _calls_of(key_id) == 4
    assert _calls_of(key_id, status=200, is_billable=True) == 3
    assert set(UsageMinute.objects.filter(api_key_id=key_id).values_list("route", flat=True)) == {
        "/v1/_probe/items/<str:item_id>"
    }
    assert ApiKey.objects.get(pk=key_id).last_used_at is not None
    with tenant_context(tenant):
        logs = RequestLog.objects.filter(api_key_id=key_id)
        assert {log.request_id for log in logs} == {r["X-Request-Id"] for r in [*ok, failed]}
        error = logs.get(status=400)
        assert logs.filter(status=200, request_excerpt="").count() == 3
    assert "hunter2" not in error.request_excerpt and issued.secret not in error.request_excerpt
    assert "[redacted]" in error.request_excerpt
    assert "title" in error.response_excerpt


def test_flushing_again_changes_nothing(api_client_factory, tenant):
    issued = api_key_create(tenant=tenant, name="metered")
    client = api_client_factory(issued.secret)
    for _ in range(5):
        client.get("/v1/me")
    usage_buffer_push()
    usage_flush()

    again = usage_flush()

    assert again.records == 0
    assert _calls_of(issued.api_key.pk) == 5


def test_sandbox_calls_are_logged_in_the_sandbox_and_never_billable(
    api_client_factory, tenant, sandbox
):
    issued = api_key_create(tenant=tenant, name="sandbox", mode="test")
    call = api_client_factory(issued.secret).get("/v1/me")
    usage_buffer_push()

    usage_flush()

    assert _calls_of(issued.api_key.pk, mode="test", is_billable=False) == 1
    assert _calls_of(issued.api_key.pk, is_billable=True) == 0
    with tenant_context(sandbox):
        assert RequestLog.objects.filter(request_id=call["X-Request-Id"]).exists()
    with tenant_context(tenant):
        assert not RequestLog.objects.filter(request_id=call["X-Request-Id"]).exists()


def test_refused_calls_are_metered_but_not_billable(api_client_factory, tenant):
    from billing.models import Plan

    tenant.plan = Plan.objects.create(code="one-burst", name="One", rate_per_second=1, burst=1)
    tenant.save(update_fields=["plan"])
    issued = api_key_create(tenant=tenant, name="metered")
    client = api_client_factory(issued.secret)

    statuses = [client.get("/v1/me").status_code for _ in range(2)]
    usage_buffer_push()
    usage_flush()

    assert statuses == [200, 429]
    assert _calls_of(issued.api_key.pk, is_billable=True) == 1
    assert _calls_of(issued.api_key.pk, status=429, is_billable=False) == 1
    assert usage_buffer_pending() == 0


def test_beat_flushes_usage_every_few_seconds_on_the_billing_queue(api_client_factory, tenant):
    from metering.tasks import usage_flush_task
    from openchance.celery import app

    entry = app.conf.beat_schedule["metering-usage-flush"]
    assert entry["task"] == usage_flush_task.name == "metering.usage_flush"
    assert entry["schedule"] == settings.USAGE_FLUSH_INTERVAL <= 10
    assert app.amqp.router.route({}, usage_flush_task.name)["queue"].name == "billing"
    issued = api_key_create(tenant=tenant, name="metered")
    api_client_factory(issued.secret).get("/v1/me")
    usage_buffer_push()

    usage_flush_task()

    assert _calls_of(issued.api_key.pk) == 1


def test_daily_totals_count_calls_and_errors(api_client_factory, tenant):
    from datetime import timedelta

    from django.utils import timezone

    from metering.selectors import usage_daily_totals

    issued = api_key_create(tenant=tenant, name="charted")
    client = api_client_factory(issued.secret)
    client.get("/v1/me")
    client.get("/v1/_probe/failing")
    usage_buffer_push()
    usage_flush()
    UsageMinute.objects.filter(tenant=tenant).exclude(api_key_id=issued.api_key.pk).delete()

    days = usage_daily_totals(organisation_id=tenant.pk, since=timezone.now() - timedelta(days=1))

    assert [(day["calls"], day["errors"]) for day in days] == [(2, 1)]


@pytest.mark.parametrize(
    "client_id",
    [
        "client-trace-0001",  # a sane id, echoed and logged beside ours
        "req_" + "0" * 32,  # shaped like ours
        "x" * 5000,  # overlong
        "trace\x00\r\nX-Injected: 1",  # controls
    ],
)
def test_a_repeated_client_request_id_never_merges_calls(api_client_factory, tenant, client_id):
    # given: 20 calls that all carry the same X-Request-Id
    issued = api_key_create(tenant=tenant, name="repeated id")
    client = api_client_factory(issued.secret)
    responses = [client.get("/v1/me", HTTP_X_REQUEST_ID=client_id) for _ in range(20)]
    usage_buffer_push()

    # when
    usage_flush()

    # then: 20 calls metered, 20 request-log rows, each under our own id
    key_id = issued.api_key.pk
    ours = {response["X-Request-Id"] for response in responses}
    assert len(ours) == 20 and client_id not in ours
    assert _calls_of(key_id) == 20
    with tenant_context(tenant):
        logs = RequestLog.objects.filter(api_key_id=key_id)
        assert set(logs.values_list("request_id", flat=True)) == ours
        client_ids = set(logs.values_list("client_request_id", flat=True))
    # A sane caller id is kept beside ours; anything else is dropped at the edge.
    sane = client_id.isascii() and client_id.isprintable() and 8 <= len(client_id) <= 128
    assert client_ids == ({client_id} if sane else {""})
