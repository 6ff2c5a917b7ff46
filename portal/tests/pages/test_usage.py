"""Usage analytics: the ledger selectors (values and fixed query counts), the page (chart data,
breakdowns, latency percentiles from the request log, live against sandbox), bad ranges, CSV."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest

from metering.selectors import (
    usage_breakdown,
    usage_export_rows,
    usage_mode_totals,
    usage_rate_limited_calls,
    usage_series,
    usage_summary,
)

pytestmark = pytest.mark.django_db

DAY = datetime(2026, 11, 10, tzinfo=UTC)


@pytest.fixture
def ledger(ledger_row, tenant, other_tenant):
    """Two days of live calls across routes, keys and statuses, some sandbox calls, and calls of
    another tenant that must never be counted."""
    rows = [
        dict(minute=DAY + timedelta(hours=1), calls=10, duration_ms_total=100, duration_ms_max=30),
        dict(minute=DAY + timedelta(hours=1, minutes=5), status=404, calls=2),
        dict(minute=DAY + timedelta(hours=3), route="/v1/challenges", calls=5, api_key_id="key_B"),
        dict(minute=DAY + timedelta(hours=3), route="/v1/challenges", status=500, calls=1),
        dict(minute=DAY + timedelta(days=1, hours=2), status=429, calls=4, is_billable=False),
        dict(minute=DAY + timedelta(hours=2), mode="test", calls=7),
        dict(minute=DAY + timedelta(hours=2), tenant=other_tenant, calls=1000),
        dict(minute=DAY - timedelta(minutes=1), calls=99),  # before the range
    ]
    return [ledger_row(**row) for row in rows]


@pytest.fixture(autouse=True)
def _search_path_set(tenant):
    """Make django-tenants set the connection's search_path now, so that a query count counts
    the selector's queries only."""
    from metering.models import UsageMinute

    UsageMinute.objects.exists()


def _scope(tenant, days=2):
    return {"organisation_id": tenant.pk, "since": DAY, "until": DAY + timedelta(days=days)}


def test_summary_counts_one_tenant_and_mode_in_one_query(ledger, tenant, queries_of):
    summary, queries = queries_of(lambda: usage_summary(mode="live", **_scope(tenant)))

    assert len(queries) == 1

    assert summary["calls"] == 22
    assert (summary["errors"], summary["server_errors"], summary["rate_limited"]) == (7, 1, 4)
    assert summary["error_rate"] == pytest.approx(7 / 22)
    assert summary["duration_ms_max"] == 30


def test_series_per_hour_is_continuous_and_one_query(ledger, tenant, queries_of):
    series, queries = queries_of(lambda: usage_series(mode="live", bucket="hour", **_scope(tenant)))

    assert len(queries) == 1

    assert len(series) == 48
    assert series[0]["bucket"] == DAY and series[0]["calls"] == 0
    assert (series[1]["calls"], series[1]["errors"]) == (12, 2)
    assert series[3]["calls"] == 6
    assert series[26]["rate_limited"] == 4
    assert sum(point["calls"] for point in series) == 22


def test_series_per_day(ledger, tenant):
    series = usage_series(mode="live", bucket="day", **_scope(tenant))

    assert [(p["bucket"], p["calls"]) for p in series] == [
        (DAY, 18), (DAY + timedelta(days=1), 4),
    ]  # fmt: skip


@pytest.mark.parametrize(
    "by, expected",
    [
        ("route", [("GET", "/v1/me", 16), ("GET", "/v1/challenges", 6)]),
        ("api_key_id", [("key_TEST", 17), ("key_B", 5)]),
        ("status_class", [(2, 15), (4, 6), (5, 1)]),
    ],
)
def test_breakdowns_are_one_query_each(ledger, tenant, by, expected, queries_of):
    rows, queries = queries_of(lambda: usage_breakdown(mode="live", by=by, **_scope(tenant)))

    assert len(queries) == 1

    keys = {"route": ("method", "route"), "api_key_id": ("api_key_id",)}.get(by, ("status_class",))
    assert [(*(row[k] for k in keys), row["calls"]) for row in rows] == expected


def test_mode_totals_and_429s(ledger, tenant, queries_of):
    totals, queries = queries_of(lambda: usage_mode_totals(**_scope(tenant)))

    assert len(queries) == 1

    assert totals["live"]["calls"] == 22 and totals["test"]["calls"] == 7
    assert usage_rate_limited_calls(organisation_id=tenant.pk, since=DAY) == 4


def test_export_rows_per_hour(ledger, tenant):
    rows = list(usage_export_rows(mode="live", **_scope(tenant)))

    assert len(rows) == 5
    assert rows[0][:4] == (DAY + timedelta(hours=1), "GET", "/v1/me", 200)
    assert sum(row[6] for row in rows) == 22


def test_the_page_shows_the_range_chart_breakdowns_and_modes(
    portal_client, ledger, request_log, tenant
):
    # given: latencies in the live request log
    for duration in (10, 20, 30, 40, 1000):
        request_log(duration_ms=duration, created_at=DAY + timedelta(hours=5))

    # when
    response = portal_client("viewer", mode="live").get(
        "/usage/", {"since": "2026-11-10", "until": "2026-11-11", "bucket": "hour"}
    )

    # then
    assert response.status_code == 200
    context = response.context
    assert context["summary"]["calls"] == 22
    assert len(context["chart"]["labels"]) == 48 and sum(context["chart"]["calls"]) == 22
    assert context["latency"].calls == 5 and context["latency"].p50_ms == 30
    assert 800 < context["latency"].p95_ms <= 1000
    assert context["modes"]["test"]["calls"] == 7
    assert [row["label"] for row in context["by_status"]] == ["2xx", "4xx", "5xx"]
    body = response.content.decode()
    assert 'id="usage-chart-data" type="application/json"' in body
    assert "portal/pages/usage.js" in body and "vendor/chart.umd.min.js" in body
    assert "<script>" not in body
    assert 'href="/logs/?status=5xx"' in body  # errors link to their log entries
    assert 'href="/logs/?route=%2Fv1%2Fchallenges"' in body
    assert 'name="since" value="2026-11-10"' in body and 'name="until" value="2026-11-11"' in body


def test_the_sandbox_mode_reads_the_sandbox_ledger(portal_client, ledger):
    response = portal_client("viewer").get(
        "/usage/", {"since": "2026-11-10", "until": "2026-11-11"}
    )

    assert response.context["mode"] == "test"
    assert response.context["summary"]["calls"] == 7
    assert response.context["range"]["bucket"] == "hour"  # two days: hourly by default


def test_the_page_runs_a_fixed_number_of_queries(portal_client, ledger_row, queries_of):
    client = portal_client("owner", mode="live")
    params = {"since": "2026-11-10", "until": "2026-11-11"}
    ledger_row(minute=DAY)
    client.get("/usage/", params)
    _, few = queries_of(lambda: client.get("/usage/", params))
    for n in range(30):
        ledger_row(minute=DAY + timedelta(minutes=n + 1), route=f"/v1/r{n}", api_key_id=f"key_{n}")
    response, many = queries_of(lambda: client.get("/usage/", params))

    assert len(response.context["by_route"]) == 31
    assert len(response.context["by_key"]) == 31
    assert len(many) == len(few) <= 13


@pytest.mark.parametrize(
    "params, message",
    [
        ({"since": "2026-11-12", "until": "2026-11-10"}, "must not be before"),
        ({"since": "2020-01-01", "until": "2026-11-10"}, "at most 366 days"),
        ({"since": "1900-01-01", "until": "1900-01-02"}, "Dates start on"),
        ({"since": "2026-02-30"}, "Enter a valid date"),
        ({"since": "yesterday"}, "Enter a valid date"),
        ({"until": "2999-01-01"}, "cannot lie in the future"),
        ({"since": "2026-09-01", "until": "2026-11-10", "bucket": "hour"}, "Hourly charts"),
        ({"bucket": "minute"}, "Select a valid choice"),
    ],
)
@pytest.mark.parametrize("path", ["/usage/", "/usage/export.csv"])
def test_bad_ranges_are_a_clear_form_error(portal_client, params, message, path):
    response = portal_client("owner").get(path, params)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert "summary" not in response.context


def test_csv_export(portal_client, ledger, tenant):
    response = portal_client("developer", mode="live").get(
        "/usage/export.csv", {"since": "2026-11-10", "until": "2026-11-11"}
    )

    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert (
        'filename="usage-alpha-live-2026-11-10-2026-11-11.csv"' in response["Content-Disposition"]
    )
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 5 and sum(int(r["calls"]) for r in rows) == 22
    first = rows[0]
    assert (first["hour_utc"], first["mode"], first["route"], first["status"]) == (
        "2026-11-10T01:00:00Z", "live", "/v1/me", "200",
    )  # fmt: skip
    assert first["duration_ms_mean"] == "10.00"
