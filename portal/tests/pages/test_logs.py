"""Request and error logs: filters, pages, the detail page with the redacted excerpts (through
a real call and the real flush), the mode's schema only, bad filters, and the link from the
dashboard's recent errors."""

from datetime import UTC, datetime, timedelta

import pytest

from requestlog.selectors import (
    request_log_get,
    request_log_latency_percentiles,
    request_log_recent_errors,
    request_log_search,
)

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.fixture
def logs(request_log, sandbox):
    minute = timedelta(minutes=1)
    return [
        request_log(status=200, created_at=T0, route="/v1/me"),
        request_log(
            status=404,
            created_at=T0 + minute,
            route="/v1/challenges/<str:challenge_id>",
            path="/v1/challenges/chl_X",
        ),
        request_log(status=500, created_at=T0 + 2 * minute, api_key_id="key_OTHER"),
        request_log(status=429, created_at=T0 + 3 * minute, client_request_id="mine-42"),
        request_log(sandbox, status=400, created_at=T0 + 4 * minute, request_id="req_" + "e" * 32),
    ]


def test_search_filters(in_tenant, logs):
    def ids(**filters):
        return [log.request_id for log in request_log_search(**filters)]

    assert ids() == [logs[3].request_id, logs[2].request_id, logs[1].request_id, logs[0].request_id]
    assert ids(errors_only=True) == [logs[3].request_id, logs[2].request_id, logs[1].request_id]
    assert ids(status=404) == [logs[1].request_id]
    assert ids(status_class="5xx") == [logs[2].request_id]
    assert ids(route="/v1/me") == [logs[3].request_id, logs[2].request_id, logs[0].request_id]
    assert ids(api_key_id="key_OTHER") == [logs[2].request_id]
    assert ids(since=T0 + timedelta(minutes=1), until=T0 + timedelta(minutes=3)) == [
        logs[2].request_id, logs[1].request_id,
    ]  # fmt: skip
    assert ids(request_id="mine-42") == [logs[3].request_id]
    assert ids(request_id=logs[0].request_id) == [logs[0].request_id]


def test_lists_never_load_the_excerpts(in_tenant, logs):
    listed = list(request_log_search())

    assert all("request_excerpt" in log.get_deferred_fields() for log in listed)
    assert [log.request_id for log in request_log_recent_errors(limit=2)] == [
        logs[3].request_id, logs[2].request_id,
    ]  # fmt: skip


@pytest.mark.parametrize("request_id", ["req_nope", "", "a\x00b", "\ud800", "x" * 129, None, 5])
def test_get_refuses_what_is_not_there(in_tenant, logs, request_id):
    from core.errors import NotFoundError

    with pytest.raises(NotFoundError):
        request_log_get(request_id=request_id)


def test_percentiles(in_tenant, request_log):
    for duration in range(1, 101):
        request_log(duration_ms=float(duration), created_at=T0)

    latency = request_log_latency_percentiles(since=T0, until=T0 + timedelta(minutes=1))

    assert latency.calls == 100
    assert latency.p50_ms == pytest.approx(50.5) and latency.p95_ms == pytest.approx(95.05)


def test_the_page_filters_and_shows_only_the_modes_logs(portal_client, logs):
    live = portal_client("viewer", mode="live")
    sandbox = portal_client("viewer")

    everything = live.get("/logs/")
    errors = live.get("/logs/", {"status": "errors"})
    by_class = live.get("/logs/", {"status": "4xx"})
    by_time = live.get("/logs/", {"since": "2026-11-20T12:01", "until": "2026-11-20T12:02"})
    in_sandbox = sandbox.get("/logs/")

    def ids(response):
        return [row["log"].request_id for row in response.context["logs"]]

    assert ids(everything) == [log.request_id for log in reversed(logs[:4])]
    assert ids(errors) == [logs[3].request_id, logs[2].request_id, logs[1].request_id]
    assert ids(by_class) == [logs[3].request_id, logs[1].request_id]
    assert ids(by_time) == [logs[1].request_id]
    assert ids(in_sandbox) == [logs[4].request_id]
    body = everything.content.decode()
    assert f'href="/logs/{logs[1].request_id}/"' in body


def test_pages_of_50_without_a_count(portal_client, request_log, queries_of):
    for n in range(120):
        request_log(created_at=T0 + timedelta(seconds=n))
    client = portal_client("owner", mode="live")

    first = client.get("/logs/")
    third, queries = queries_of(lambda: client.get("/logs/", {"page": "3", "status": "200"}))

    assert len(first.context["logs"]) == 50 and first.context["has_next"]
    assert len(third.context["logs"]) == 20 and not third.context["has_next"]
    assert third.context["has_previous"] and "status=200&amp;page=2" in third.content.decode()
    assert not any("COUNT(" in sql for sql in queries)
    assert len(queries) <= 8


@pytest.mark.parametrize(
    "params, field",
    [
        ({"status": "600"}, "status"),
        ({"status": "4x"}, "status"),
        ({"status": "errors;drop"}, "status"),
        ({"api_key": "we_123"}, "api_key"),
        ({"api_key": "key_\u202e"}, "api_key"),
        ({"since": "yesterday"}, "since"),
        ({"since": "1900-01-01T00:00"}, "since"),
        ({"since": "2026-11-20T12:00", "until": "2026-11-20T11:00"}, "until"),
        ({"route": "/v1/\x00"}, "route"),
        ({"request_id": "x" * 129}, "request_id"),
        ({"page": "0"}, "page"),
        ({"page": "99999999"}, "page"),
    ],
)
def test_bad_filters_are_a_clear_form_error(portal_client, logs, params, field):
    response = portal_client("owner", mode="live").get("/logs/", params)

    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert response.context["logs"] == []
    assert "Fix the filters" in response.content.decode()


def test_the_detail_page_shows_the_redacted_excerpts_of_a_real_failed_call(
    portal_client, api_client_factory, tenant, settings
):
    from api.gateway import usage_buffer_push
    from apikeys.services import api_key_create
    from metering.services import usage_flush

    # given: a failed call whose body carries secrets, metered and flushed for real
    settings.ROOT_URLCONF = "api.tests.probes"
    issued = api_key_create(tenant=tenant, name="logged", mode="live")
    leaked = api_key_create(tenant=tenant, name="leaked", mode="live").secret
    response = api_client_factory(issued.secret).post(
        "/v1/_probe/items/chl_1",
        {"title": "far too long a title for the probe", "password": "hunter2", "note": leaked},
        content_type="application/json",
    )
    assert response.status_code == 400
    request_id = response["X-Request-Id"]
    usage_buffer_push()
    usage_flush()
    settings.ROOT_URLCONF = "openchance.urls_tenants"

    # when
    page = portal_client("developer", mode="live").get(f"/logs/{request_id}/")

    # then
    assert page.status_code == 200
    body = page.content.decode()
    assert request_id in body and "400" in body
    assert "[redacted]" in body
    assert "hunter2" not in body and leaked not in body
    assert page.context["log"].response_excerpt and "logged (" in page.context["key_name"]


def test_a_log_of_the_other_mode_is_not_found(portal_client, logs):
    sandbox_log = logs[4]

    live = portal_client("owner", mode="live").get(f"/logs/{sandbox_log.request_id}/")
    sandbox = portal_client("owner").get(f"/logs/{sandbox_log.request_id}/")

    assert live.status_code == 404 and sandbox.status_code == 200


def test_the_dashboard_links_recent_errors_to_their_log_entries(portal_client, logs):
    response = portal_client("viewer", mode="live").get("/")

    body = response.content.decode()
    for log in logs[1:4]:
        assert f'href="/logs/{log.request_id}/"' in body
    assert f'href="/logs/{logs[0].request_id}/"' not in body
