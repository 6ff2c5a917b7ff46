"""A usage stream entry that cannot be folded is quarantined — kept, counted, shown to operators,
replayable — and never blocks the records behind it: the good records of its batch are folded
exactly once and the cursor moves past all of them.

Poisoned entries are written straight into the stream with XADD, between good ones, as an older
process, a bug or a broken tenant schema would leave them.
"""

import time
import uuid

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Sum
from django.test import Client
from django_redis import get_redis_connection
from django_tenants.utils import tenant_context

from metering.models import UsageFlushCursor, UsageMinute, UsageQuarantine
from metering.records import UsageRecord, entry_fields_decode
from metering.services import usage_flush, usage_quarantine_replay
from organisations.services import organisation_provision
from requestlog.models import RequestLog
from tenants.models import User
from tenants.services import tenant_delete

pytestmark = pytest.mark.django_db


@pytest.fixture
def stream():
    """A stream of the test's own, so that other tests' leftovers never mix in."""
    name = f"test:usage:{uuid.uuid4().hex}"
    yield name
    get_redis_connection("default").delete(name)


def _good(tenant, key_id: str, **overrides) -> UsageRecord:
    values = dict(
        organisation_id=tenant.organisation.pk, tenant_id=tenant.pk, api_key_id=key_id,
        mode="live", method="GET", route="/v1/challenges/<str:challenge_id>",
        path="/v1/challenges/chl_1", status=200, duration_ms=2.5, request_bytes=0,
        response_bytes=42, timestamp_ms=int(time.time() * 1000),
        request_id=f"req_{uuid.uuid4().hex}", is_billable=True,
    )  # fmt: skip
    values.update(overrides)
    return UsageRecord(**values)


def _ledger_calls(key_id: str) -> int:
    return UsageMinute.objects.filter(api_key_id=key_id).aggregate(n=Sum("calls"))["n"] or 0


def _logged_request_ids(tenant, key_id: str) -> list[str]:
    with tenant_context(tenant):
        return sorted(
            RequestLog.objects.filter(api_key_id=key_id).values_list("request_id", flat=True)
        )


def _drop_request_log_column(tenant) -> None:
    # A tenant schema the latest request-log migration has not reached yet (a rolling deploy).
    with connection.cursor() as cursor:
        cursor.execute(
            f'ALTER TABLE "{tenant.schema_name}".requestlog_requestlog'
            " DROP COLUMN client_request_id"
        )


def _restore_request_log_column(tenant) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f'ALTER TABLE "{tenant.schema_name}".requestlog_requestlog'
            " ADD COLUMN client_request_id varchar(128) NOT NULL DEFAULT ''"
        )


@pytest.fixture
def deleted_tenant_ids():
    """(organisation id, tenant id) of a tenant that existed and was deleted."""
    gone = organisation_provision(
        slug=f"gone{uuid.uuid4().hex[:6]}", name="Gone", plan_code="pro",
        owner_email="owner@gone.test", issue_keys=False,
    ).tenant  # fmt: skip
    ids = (gone.pk, gone.pk)
    tenant_delete(tenant=gone)
    return ids


def test_poisoned_entries_are_quarantined_and_the_good_ones_folded_exactly_once(
    tenant, other_tenant, stream, deleted_tenant_ids
):
    # given: good records of alpha with poisoned entries between them
    redis = get_redis_connection("default")
    key_id, beta_key_id = f"key_{uuid.uuid4().hex[:12]}", f"key_{uuid.uuid4().hex[:12]}"
    good = [_good(tenant, key_id) for _ in range(5)]
    deleted_org, deleted_tenant = deleted_tenant_ids
    poison = {
        "nul path": good[0].to_fields() | {"p": "/v1/challenges/\x00", "id": "req_nul"},
        "bad int": good[0].to_fields() | {"s": "2OO", "id": "req_badint"},
        "missing field": {k: v for k, v in good[0].to_fields().items() if k != "ts"},
        "deleted tenant": _good(
            tenant, key_id, organisation_id=deleted_org, tenant_id=deleted_tenant
        ).to_fields(),
        "not utf-8": {**good[0].to_fields(), "r": b"/v1/\xff\xfe"},
        # beta's schema has no client_request_id column: PostgreSQL refuses the request log
        "refused by postgresql": _good(other_tenant, beta_key_id).to_fields(),
    }
    _drop_request_log_column(other_tenant)
    layout = [
        ("good", good[0]), ("poison", "nul path"), ("good", good[1]), ("poison", "bad int"),
        ("poison", "missing field"), ("good", good[2]), ("poison", "refused by postgresql"),
        ("good", good[3]), ("poison", "deleted tenant"), ("poison", "not utf-8"),
        ("good", good[4]),
    ]  # fmt: skip
    ids = {}
    for kind, item in layout:
        fields = item.to_fields() if kind == "good" else poison[item]
        ids[item if kind == "poison" else item.request_id] = redis.xadd(stream, fields).decode()

    # when: flushed in batches of 4 (the refused record sits inside the second batch)
    result = usage_flush(stream=stream, batch_size=4)
    again = usage_flush(stream=stream, batch_size=4)

    # then: every good record folded once, every poisoned one quarantined once
    assert (result.records, result.batches, result.quarantined) == (11, 3, 6)
    assert again.records == 0
    assert _ledger_calls(key_id) == 5
    assert _logged_request_ids(tenant, key_id) == sorted(r.request_id for r in good)
    quarantined = {q.stream_id: q for q in UsageQuarantine.objects.filter(stream=stream)}
    assert set(quarantined) == {ids[name] for name in poison}
    errors = {name: quarantined[ids[name]].error for name in poison}
    assert "'p'" in errors["nul path"] and "'s'" in errors["bad int"]
    assert "'ts' is missing" in errors["missing field"]
    assert f"tenant {deleted_org} does not exist" in errors["deleted tenant"]
    assert "not UTF-8" in errors["not utf-8"]
    assert "client_request_id" in errors["refused by postgresql"]
    assert quarantined[ids["refused by postgresql"]].organisation_ref == other_tenant.pk
    # ... kept as they were, byte for byte
    nul = entry_fields_decode(quarantined[ids["nul path"]].raw_fields)
    assert nul[b"p"] == b"/v1/challenges/\x00"
    assert entry_fields_decode(quarantined[ids["not utf-8"]].raw_fields)[b"r"] == b"/v1/\xff\xfe"
    # ... and the cursor is past all of them
    assert UsageFlushCursor.objects.get(stream=stream).last_id == ids[good[4].request_id]

    # when: replayed before the cause is fixed
    first = usage_quarantine_replay(ids=[q.pk for q in quarantined.values()])

    # then: the NUL path folds (the replay escapes text as the capture does); the rest stays
    assert first.replayed == 1
    assert _ledger_calls(key_id) == 6
    with tenant_context(tenant):
        assert RequestLog.objects.get(request_id="req_nul").path == "/v1/challenges/%00"
    remaining = UsageQuarantine.objects.filter(stream=stream)
    assert set(remaining.values_list("stream_id", flat=True)) == {
        ids[name] for name in poison if name != "nul path"
    }
    assert set(remaining.values_list("attempts", flat=True)) == {2}

    # when: beta's schema is migrated, and the replay runs (twice, by the command)
    _restore_request_log_column(other_tenant)
    call_command(
        "usage_quarantine_replay", "--id", str(quarantined[ids["refused by postgresql"]].pk)
    )
    call_command("usage_quarantine_replay")

    # then: beta's record is folded exactly once; the unfixable ones stay quarantined
    assert _ledger_calls(beta_key_id) == 1
    assert len(_logged_request_ids(other_tenant, beta_key_id)) == 1
    assert _ledger_calls(key_id) == 6
    assert set(
        UsageQuarantine.objects.filter(stream=stream).values_list("stream_id", flat=True)
    ) == {ids["bad int"], ids["missing field"], ids["deleted tenant"], ids["not utf-8"]}


def test_a_batch_of_good_records_is_folded_in_one_go(tenant, stream):
    # The record-by-record path is for batches PostgreSQL refuses; a clean batch stays one upsert.
    redis = get_redis_connection("default")
    key_id = f"key_{uuid.uuid4().hex[:12]}"
    for _ in range(20):
        redis.xadd(stream, _good(tenant, key_id).to_fields())

    statements = []
    with connection.execute_wrapper(
        lambda execute, sql, *args: statements.append(sql) or execute(sql, *args)
    ):
        result = usage_flush(stream=stream)

    assert (result.records, result.quarantined) == (20, 0)
    assert _ledger_calls(key_id) == 20
    savepoints = [sql for sql in statements if sql.startswith("SAVEPOINT")]
    assert len(savepoints) <= 4  # the flush's own few, not one per record


@pytest.fixture
def operator_client():
    operator = User.objects.create_superuser("ops@openchance.test", "ops-password-123")
    client = Client(HTTP_HOST="localhost")
    client.force_login(operator)
    return client


def test_operators_see_quarantined_entries_read_only_and_can_replay_them(
    operator_client, tenant, stream
):
    # given: one quarantined entry
    redis = get_redis_connection("default")
    key_id = f"key_{uuid.uuid4().hex[:12]}"
    fields = _good(tenant, key_id).to_fields() | {"p": "/v1/x\x00\x1b[31m"}
    stream_id = redis.xadd(stream, fields).decode()
    usage_flush(stream=stream)
    entry = UsageQuarantine.objects.get(stream=stream)

    # when
    listing = operator_client.get("/admin/metering/usagequarantine/")
    detail = operator_client.get(f"/admin/metering/usagequarantine/{entry.pk}/change/")
    change = operator_client.post(
        f"/admin/metering/usagequarantine/{entry.pk}/change/", {"error": "edited"}
    )
    adding = operator_client.get("/admin/metering/usagequarantine/add/")

    # then: listed and shown with the unsafe characters visible, never editable
    assert listing.status_code == 200 and stream_id in listing.content.decode()
    assert detail.status_code == 200
    assert "/v1/x%00%1B[31m" in detail.content.decode()
    assert "\x00" not in detail.content.decode() and "\x1b" not in detail.content.decode()
    assert change.status_code == 403 and adding.status_code == 403
    entry.refresh_from_db()
    assert entry.error != "edited"

    # when: replayed from the admin's action
    replayed = operator_client.post(
        "/admin/metering/usagequarantine/",
        {"action": "replay", "_selected_action": [entry.pk]},
        follow=True,
    )

    # then
    assert "1 replayed, 0 still quarantined" in replayed.content.decode()
    assert not UsageQuarantine.objects.filter(pk=entry.pk).exists()
    assert _ledger_calls(key_id) == 1


@pytest.mark.parametrize("term", ["abc", "42", "\x00"])
def test_operators_can_search_the_quarantine_by_anything(operator_client, tenant, stream, term):
    redis = get_redis_connection("default")
    redis.xadd(stream, _good(tenant, "key_searched").to_fields() | {"s": "bad"})
    usage_flush(stream=stream)

    found = operator_client.get("/admin/metering/usagequarantine/", {"q": term})

    assert found.status_code == 200


def test_a_record_pushed_twice_is_counted_once(stream, tenant):
    """The same call can reach the stream twice (Redis ran a pipeline but its reply was lost, so
    the buffer sent the records again): the request id makes it count once, in the same batch
    and across batches."""
    # given
    key_id = f"key_{uuid.uuid4().hex[:20]}"
    twice = _good(tenant, key_id)
    redis = get_redis_connection("default")
    for record in (twice, twice, _good(tenant, key_id), twice):
        redis.xadd(stream, record.to_fields())

    # when: two flushes of two-entry batches, so the duplicate also spans batches
    usage_flush(stream=stream, batch_size=2)
    redis.xadd(stream, twice.to_fields())
    usage_flush(stream=stream, batch_size=2)

    # then
    assert _ledger_calls(key_id) == 2
    assert len(_logged_request_ids(tenant, key_id)) == 2
    assert UsageQuarantine.objects.filter(stream=stream).count() == 0
