"""/v1 billing: usage from the ledger, invoices (list, retrieve, PDF), the subscription, the
estimate and the settings — scopes, test keys, bad input and other tenants."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api.v1.tests.support import Api, problem
from apikeys.services import api_key_create
from billing.models import Invoice, InvoiceLine, Subscription
from billing.selectors import period_bounds
from metering.models import UsageMinute

pytestmark = pytest.mark.django_db


def _minute(tenant, *, key_id, mode, minute, route="/v1/challenges", status=200, billable=True,
            calls=1, method="GET"):  # fmt: skip
    return UsageMinute.objects.create(
        tenant=tenant,
        api_key_id=key_id,
        mode=mode,
        minute=minute,
        method=method,
        route=route,
        status=status,
        is_billable=billable and mode == "live",
        calls=calls,
    )


@pytest.fixture
def ledger(tenant, other_tenant):
    """Ledger rows of this month (live billable, live refused, sandbox), last month, and another
    tenant's; the ids of the keys they name."""
    start, _ = period_bounds()
    live_key = api_key_create(tenant=tenant, name="ledger live")
    test_key = api_key_create(tenant=tenant, name="ledger test", mode="test")
    live, test = live_key.api_key.pk, test_key.api_key.pk
    _minute(tenant, key_id=live, mode="live", minute=start, calls=5)
    _minute(tenant, key_id=live, mode="live", minute=start + timedelta(minutes=1), calls=2,
            route="/v1/challenges/<str:challenge_id>")  # fmt: skip
    _minute(tenant, key_id=live, mode="live", minute=start + timedelta(days=1), calls=3,
            status=429, billable=False)  # fmt: skip
    _minute(tenant, key_id=test, mode="test", minute=start + timedelta(days=1), calls=7)
    _minute(tenant, key_id="key_gone", mode="live", minute=start, calls=1, method="POST")
    _minute(tenant, key_id=live, mode="live", minute=start - timedelta(minutes=1), calls=100)
    _minute(other_tenant, key_id="key_other", mode="live", minute=start, calls=1000)
    return {"live": live, "test": test, "live_secret": live_key.secret, "start": start}


def test_usage_reports_the_current_period_from_the_ledger(api, ledger):
    # when
    response = api.get("/v1/usage")

    # then
    assert response.status_code == 200, response.content
    body = response.json()
    start, end = period_bounds()
    assert body["object"] == "usage" and body["livemode"] is True
    assert body["period"] == f"{start:%Y-%m}"
    assert body["period_start"] == start.isoformat().replace("+00:00", "Z")
    assert body["totals"] == {
        "calls": 18,
        "billable_calls": 8,
        "non_billable_calls": 3,
        "sandbox_calls": 7,
    }
    assert len(body["by_day"]) == (end - start).days
    assert body["by_day"][0] == {
        "date": f"{start:%Y-%m-%d}",
        "calls": 8,
        "billable_calls": 8,
        "non_billable_calls": 0,
        "sandbox_calls": 0,
    }
    assert body["by_day"][1]["calls"] == 10 and body["by_day"][1]["sandbox_calls"] == 7
    assert sum(day["calls"] for day in body["by_day"]) == 18
    routes = {(row["method"], row["route"]): row["calls"] for row in body["by_route"]}
    assert routes == {
        ("GET", "/v1/challenges"): 15,
        ("GET", "/v1/challenges/<str:challenge_id>"): 2,
        ("POST", "/v1/challenges"): 1,
    }
    keys = {row["key_id"]: (row["name"], row["mode"], row["calls"]) for row in body["by_key"]}
    assert keys == {
        ledger["live"]: ("ledger live", "live", 10),
        ledger["test"]: ("ledger test", "test", 7),
        "key_gone": (None, "live", 1),
    }
    assert body["by_route_truncated"] is False and body["by_key_truncated"] is False


def test_usage_of_another_period(api, ledger):
    previous = ledger["start"] - timedelta(days=1)

    body = api.get("/v1/usage", period=f"{previous:%Y-%m}").json()

    assert body["totals"]["calls"] == 100 and body["totals"]["billable_calls"] == 100
    assert body["by_day"][-1]["calls"] == 100


def test_usage_with_a_test_key_sees_the_sandbox_only(sandbox_api, ledger):
    body = sandbox_api.get("/v1/usage").json()

    assert body["livemode"] is False
    assert body["totals"] == {
        "calls": 7,
        "billable_calls": 0,
        "non_billable_calls": 0,
        "sandbox_calls": 7,
    }
    assert [row["key_id"] for row in body["by_key"]] == [ledger["test"]]


def _selects(captured) -> list[str]:
    # The tenant backend may set the search_path before a query: not a read.
    return [q["sql"] for q in captured.captured_queries if not q["sql"].startswith("SET ")]


def test_usage_costs_a_fixed_number_of_queries(api, ledger):
    api.get("/v1/usage")  # warm the key
    with CaptureQueriesContext(connection) as captured:
        assert api.get("/v1/usage").status_code == 200
    assert len(_selects(captured)) == 2  # one scan of the period (three groupings), key names


@pytest.mark.parametrize(
    "query",
    [
        {"period": "2026-13"},
        {"period": "2026-00"},
        {"period": "26-11"},
        {"period": "2026-1"},
        {"period": "2026-11-01"},
        {"period": "1999-12"},
        {"period": "9999-12"},
        {"period": ""},
        {"period": "２０２６-11"},
        {"period": "2026-11\x00"},
        {"month": "2026-11"},
    ],
    ids=repr,
)
def test_a_bad_period_or_parameter_is_a_400(api, query):
    body = problem(api.get("/v1/usage", **query), 400, "validation_error")
    assert set(body["errors"]) <= {next(iter(query)), "query_string"}


@pytest.mark.parametrize("scopes", [["usage:read"], ["billing:read"], ["billing:write"]])
def test_usage_reads_with_the_usage_or_the_billing_scope(api_client_factory, tenant, scopes):
    key = api_key_create(tenant=tenant, name="scoped", scopes=scopes).secret
    assert api_client_factory(key).get("/v1/usage").status_code == 200


def test_usage_without_either_scope_is_403(api_client_factory, tenant):
    key = api_key_create(tenant=tenant, name="scoped", scopes=["challenges:read"]).secret
    body = problem(api_client_factory(key).get("/v1/usage"), 403, "insufficient_scope")
    assert body["required_scope"] == "billing:read"


# --- Invoices


def _invoice(organisation, *, months_ago: int, number: str | None = None, **fields) -> Invoice:
    start, _ = period_bounds()
    for _ in range(months_ago):
        start, _ = period_bounds(start - timedelta(days=1))
    _, end = period_bounds(start)
    invoice = Invoice.objects.create(
        organisation=organisation,
        period_start=start,
        period_end=end,
        status=fields.pop("status", Invoice.Status.OPEN),
        number=number,
        plan_code="pro",
        subtotal=4900,
        total=4900,
        amount_due=4900,
        finalised_at=datetime.now(UTC),
        **fields,
    )
    InvoiceLine.objects.create(
        invoice=invoice,
        kind=InvoiceLine.Kind.BASE_FEE,
        description="Pro plan",
        quantity=1,
        unit_amount=4900,
        amount=4900,
        period_start=start,
        period_end=end,
    )
    return invoice


@pytest.fixture
def invoices(tenant):
    return [
        _invoice(tenant, months_ago=months, number=f"OC-TEST-{months:06d}") for months in (1, 2, 3)
    ]


def test_invoices_are_listed_newest_period_first_with_cursors(api, invoices):
    # when
    first = api.get("/v1/invoices", limit=2).json()
    second = api.get("/v1/invoices", limit=2, cursor=first["next_cursor"]).json()

    # then
    assert first["object"] == "list" and first["has_more"] is True
    assert [item["id"] for item in first["data"] + second["data"]] == [
        invoice.public_id for invoice in invoices
    ]
    assert second["has_more"] is False and second["next_cursor"] is None
    item = first["data"][0]
    assert item["object"] == "invoice" and item["number"] == "OC-TEST-000001"
    assert item["total"] == 4900 and item["currency"] == "usd"
    line = item["lines"][0]
    assert line["kind"] == "base_fee" and Decimal(line["unit_amount"]) == 4900
    oldest_first = api.get("/v1/invoices", ordering="period_start", offset=0).json()
    assert oldest_first["data"][0]["id"] == invoices[-1].public_id and oldest_first["total"] == 3


def test_invoice_list_bad_parameters_are_400(api, invoices):
    problem(api.get("/v1/invoices", limit=0), 400, "validation_error")
    problem(api.get("/v1/invoices", status="paid"), 400, "validation_error")
    problem(api.get("/v1/invoices", cursor="bm90IGEgY3Vyc29y"), 400, "invalid_cursor")


def test_an_invoice_is_retrieved_by_its_id(api, invoices):
    invoice = invoices[0]

    body = api.get(f"/v1/invoices/{invoice.public_id}").json()

    assert body["id"] == invoice.public_id and body["period"] == f"{invoice.period_start:%Y-%m}"
    assert body["lines"][0]["amount"] == 4900 and body["amount_due"] == 4900
    problem(api.get(f"/v1/invoices/{invoice.public_id}", expand="lines"), 400, "validation_error")


@pytest.mark.parametrize(
    "invoice_id",
    ["inv_00000000000000000000000000", "chl_01", "inv_%00", "%00", "inv_\u202e", "x" * 300],
)
def test_an_unknown_or_malformed_invoice_id_is_404(api, invoices, invoice_id):
    problem(api.get(f"/v1/invoices/{invoice_id}"), 404, "not_found")
    problem(api.get(f"/v1/invoices/{invoice_id}/pdf"), 404, "not_found")


def test_another_tenants_invoice_is_404_and_its_list_is_its_own(
    outsider_api_host, api_host, other_tenant, invoices
):
    # given
    theirs = _invoice(other_tenant, months_ago=1, number="OC-TEST-OTHER")
    before = sorted(map(repr, Invoice.objects.values()))

    # when / then: our ids are nowhere for them, and their list holds theirs only
    for invoice in invoices:
        problem(outsider_api_host.get(f"/v1/invoices/{invoice.public_id}"), 404, "not_found")
        problem(outsider_api_host.get(f"/v1/invoices/{invoice.public_id}/pdf"), 404, "not_found")
    listed = outsider_api_host.get("/v1/invoices").json()["data"]
    assert [item["id"] for item in listed] == [theirs.public_id]
    problem(api_host.get(f"/v1/invoices/{theirs.public_id}"), 404, "not_found")
    assert sorted(map(repr, Invoice.objects.values())) == before


def test_a_test_key_sees_no_invoices(sandbox_api, invoices):
    listed = sandbox_api.get("/v1/invoices").json()
    assert listed == {"object": "list", "data": [], "has_more": False, "next_cursor": None}
    body = problem(sandbox_api.get(f"/v1/invoices/{invoices[0].public_id}"), 404, "not_found")
    assert "live" in body["detail"]
    problem(sandbox_api.get("/v1/invoices", limit="x"), 400, "validation_error")


def test_the_invoice_list_costs_a_fixed_number_of_queries(api, invoices, tenant):
    api.get("/v1/invoices")  # warm the key
    with CaptureQueriesContext(connection) as three:
        assert len(api.get("/v1/invoices", limit=3).json()["data"]) == 3
    for months in (4, 5, 6):
        _invoice(tenant, months_ago=months, number=f"OC-TEST-{months:06d}")
    with CaptureQueriesContext(connection) as six:
        assert len(api.get("/v1/invoices", limit=6).json()["data"]) == 6
    assert len(_selects(six)) == len(_selects(three)) <= 3  # the page, its lines, credit notes


# --- The subscription, the estimate and the settings


def test_the_subscription_and_the_estimate(api, tenant):
    subscription = api.get("/v1/billing/subscription").json()
    assert subscription["object"] == "subscription" and subscription["plan"] == "pro"
    assert subscription["id"] == Subscription.objects.get(organisation=tenant).public_id
    estimate = api.get("/v1/billing/estimate").json()
    assert estimate["object"] == "usage_cost_estimate" and estimate["plan"] == "pro"
    assert estimate["currency"] == "usd" and {"free", "pro", "business"} <= {
        plan["plan"] for plan in estimate["plans"]
    }


@pytest.mark.parametrize(
    "path", ["/v1/billing/subscription", "/v1/billing/estimate", "/v1/billing/settings"]
)
def test_a_test_key_may_not_read_the_live_billing_account(sandbox_api, path):
    problem(sandbox_api.get(path), 403, "livemode_required")


def test_a_test_key_may_not_change_the_settings(sandbox_api, tenant):
    before = Subscription.objects.get(organisation=tenant).spend_cap_amount
    problem(
        sandbox_api.patch("/v1/billing/settings", {"spend_cap": {"amount": 5}}),
        403,
        "livemode_required",
    )
    assert Subscription.objects.get(organisation=tenant).spend_cap_amount == before


def test_settings_are_read_and_written(api, tenant):
    # given
    assert api.get("/v1/billing/settings").json() == {
        "object": "billing_settings",
        "spend_cap": None,
        "budgets": [],
        "pay_as_you_go": False,
        "has_payment_method": False,
        "currency": "usd",
    }

    # when
    response = api.patch(
        "/v1/billing/settings",
        {"spend_cap": {"amount": 5000, "kind": "total"}, "budgets": [20000, 10000]},
    )

    # then
    assert response.status_code == 200, response.content
    assert response.json()["spend_cap"] == {"amount": 5000, "kind": "total"}
    assert api.get("/v1/billing/settings").json()["budgets"] == [10000, 20000]
    subscription = Subscription.objects.get(organisation=tenant)
    assert (subscription.spend_cap_amount, subscription.spend_cap_kind) == (5000, "total")
    # only what is sent changes; null removes the cap
    assert api.patch("/v1/billing/settings", {"budgets": []}).json()["spend_cap"]["amount"] == 5000
    assert api.patch("/v1/billing/settings", {"spend_cap": None}).json()["spend_cap"] is None
    assert api.patch("/v1/billing/settings", {"spend_cap": {"amount": 7}}).json()["spend_cap"] == {
        "amount": 7,
        "kind": "overage",
    }


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"spend_cap": {"amount": -1}}, "spend_cap"),
        ({"spend_cap": {"amount": 0}}, "spend_cap"),
        ({"spend_cap": {"amount": 10**11}}, "spend_cap"),
        ({"spend_cap": {"amount": 10**30}}, "spend_cap"),
        ({"spend_cap": {"amount": "5000"}}, "spend_cap"),
        ({"spend_cap": {"amount": 50.5}}, "spend_cap"),
        ({"spend_cap": {"amount": 50.0}}, "spend_cap"),
        ({"spend_cap": {"amount": True}}, "spend_cap"),
        ({"spend_cap": {"amount": None}}, "spend_cap"),
        ({"spend_cap": {}}, "spend_cap"),
        ({"spend_cap": {"amount": 5, "kind": "monthly"}}, "spend_cap"),
        ({"spend_cap": {"amount": 5, "kind": None}}, "spend_cap"),
        ({"spend_cap": {"amount": 5, "currency": "eur"}}, "spend_cap"),
        ({"spend_cap": 5000}, "spend_cap"),
        ({"spend_cap": "none"}, "spend_cap"),
        ({"budgets": None}, "budgets"),
        ({"budgets": [0]}, "budgets"),
        ({"budgets": [-5]}, "budgets"),
        ({"budgets": ["100"]}, "budgets"),
        ({"budgets": [100, 100]}, "budgets"),
        ({"budgets": list(range(1, 12))}, "budgets"),
        ({"budgets": 100}, "budgets"),
        ({"pay_as_you_go": None}, "pay_as_you_go"),
        ({"pay_as_you_go": "true"}, "pay_as_you_go"),
        ({"pay_as_you_go": 1}, "pay_as_you_go"),
        ({"spend_cap_amount": 5000}, "spend_cap_amount"),
        ([], "non_field_errors"),
        ("cap", "non_field_errors"),
    ],
    ids=repr,
)
def test_bad_settings_are_refused_per_field_and_nothing_changes(api, tenant, body, field):
    # given
    api.patch("/v1/billing/settings", {"spend_cap": {"amount": 123}, "budgets": [500]})
    before = Subscription.objects.values().get(organisation=tenant)

    # when
    response = api.patch("/v1/billing/settings", body)

    # then
    errors = problem(response, 400, "validation_error")["errors"]
    assert field in errors, errors
    assert Subscription.objects.values().get(organisation=tenant) == before


def test_pay_as_you_go_needs_a_payment_method(api, tenant):
    body = problem(api.patch("/v1/billing/settings", {"pay_as_you_go": True}), 422)
    assert body["code"] == "payment_method_required"
    assert Subscription.objects.get(organisation=tenant).pay_as_you_go is False


def test_settings_writes_need_billing_write(api_client_factory, tenant):
    reader = Api(
        api_client_factory(api_key_create(tenant=tenant, name="r", scopes=["billing:read"]).secret)
    )
    assert reader.get("/v1/billing/settings").status_code == 200
    body = problem(reader.patch("/v1/billing/settings", {"spend_cap": None}), 403)
    assert body["required_scope"] == "billing:write"
    other = Api(
        api_client_factory(api_key_create(tenant=tenant, name="u", scopes=["usage:read"]).secret)
    )
    assert problem(other.get("/v1/invoices"), 403)["required_scope"] == "billing:read"


def test_settings_patch_honours_idempotency_keys(api, tenant):
    first = api.patch(
        "/v1/billing/settings", {"spend_cap": {"amount": 900}}, **{"Idempotency-Key": "cap-1"}
    )
    again = api.patch(
        "/v1/billing/settings", {"spend_cap": {"amount": 900}}, **{"Idempotency-Key": "cap-1"}
    )
    other = api.patch(
        "/v1/billing/settings", {"spend_cap": {"amount": 901}}, **{"Idempotency-Key": "cap-1"}
    )
    assert first.status_code == again.status_code == 200
    assert again["Idempotent-Replayed"] == "true"
    problem(other, 422, "idempotency_key_reused")
    assert Subscription.objects.get(organisation=tenant).spend_cap_amount == 900


def test_outsider_settings_are_their_own(outsider_api_host, api_host, tenant, other_tenant):
    # given
    api_host.patch("/v1/billing/settings", {"spend_cap": {"amount": 4242}})
    ours = sorted(map(repr, Subscription.objects.filter(organisation=tenant).values()))

    # when: the other tenant's key changes its own settings
    outsider_api_host.patch("/v1/billing/settings", {"spend_cap": None})

    # then
    assert outsider_api_host.get("/v1/billing/settings").json()["spend_cap"] is None
    assert outsider_api_host.get("/v1/billing/subscription").json()["id"] == (
        Subscription.objects.get(organisation=other_tenant).public_id
    )
    assert sorted(map(repr, Subscription.objects.filter(organisation=tenant).values())) == ours
    connection.set_schema_to_public()


def test_an_invoice_downloads_as_pdf_or_html(api_client, invoices):
    invoice = invoices[0]
    path = f"/v1/invoices/{invoice.public_id}/pdf"

    pdf = api_client.get(path)
    html = api_client.get(path, HTTP_ACCEPT="text/html")
    json_only = api_client.get(path, HTTP_ACCEPT="application/json")

    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-") and b"%%EOF" in pdf.content[-1024:]
    assert f'filename="{invoice.number}.pdf"' in pdf["Content-Disposition"]
    assert pdf["X-RateLimit-Limit"]  # a metered call like any other
    assert html.status_code == 200 and html["Content-Type"].startswith("text/html")
    assert invoice.number in html.content.decode()
    problem(json_only, 406, "not_acceptable")


def test_402_is_documented_everywhere_but_on_billings_own_routes(api):
    paths = api.get("/v1/openapi.json").json()["paths"]
    assert "402" in paths["/v1/challenges"]["get"]["responses"]
    assert "402" in paths["/v1/me"]["get"]["responses"]
    for path in ("/v1/usage", "/v1/invoices", "/v1/billing/settings"):
        assert "402" not in paths[path]["get"]["responses"], path
    assert "402" not in paths["/v1/billing/settings"]["patch"]["responses"]


def test_billing_events_need_billing_read(api_client_factory, tenant, api):
    # given: a billing event (a settings change emits billing.subscription_updated)
    assert api.patch("/v1/billing/settings", {"budgets": [100]}).status_code == 200
    types = {event["type"] for event in api.get("/v1/events", limit=100).json()["data"]}
    assert any(event_type.startswith("billing.") for event_type in types)

    def listed(scopes):
        key = api_key_create(tenant=tenant, name="events", scopes=scopes).secret
        data = api_client_factory(key).get("/v1/events", {"limit": 100}).json()["data"]
        return {event["type"].split(".", 1)[0] for event in data}

    # when / then
    assert "billing" not in listed(["events:read", "challenges:read", "webhooks:read"])
    assert listed(["events:read", "billing:read"]) == {"billing"}
