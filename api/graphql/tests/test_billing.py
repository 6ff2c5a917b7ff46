"""Billing through GraphQL: usage, invoices, the subscription and the estimate equal REST's field
for field, under the same rules (scopes, test keys, other tenants) — ``api.billing_access`` for
both faces — and an invoices page with its lines is a constant number of SQL queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api.graphql.tests.support import data, error, gql, rest_shaped
from api.v1.tests.support import problem
from api.v1.tests.test_billing import _invoice, _minute
from apikeys.services import api_key_create
from billing.models import CreditNote
from billing.selectors import period_bounds

pytestmark = pytest.mark.django_db

COUNTS = "calls billableCalls nonBillableCalls sandboxCalls"
USAGE_FIELDS = f"""object livemode period periodStart periodEnd totals {{ {COUNTS} }}
  byDay {{ date {COUNTS} }} byRoute {{ method route {COUNTS} }} byRouteTruncated
  byKey {{ keyId name mode {COUNTS} }} byKeyTruncated"""
INVOICE_FIELDS = """id object number status kind plan period periodStart periodEnd currency
  subtotal total amountPaid amountCredited amountDue callsTotal callsBillable
  lines { kind description quantity unitAmount amount periodStart periodEnd }
  creditNotes { id number amount reason createdAt }
  issuedAt finalisedAt dueAt paidAt voidedAt paymentAttempts nextPaymentAttemptAt createdAt"""
SPEND_CAP = "spendCap { amount kind }"
SUBSCRIPTION_FIELDS = f"""id object status provider plan currentPeriodStart currentPeriodEnd
  trialEnd scheduledPlan cancelAtPeriodEnd cancelledAt hasPaymentMethod payAsYouGo {SPEND_CAP}
  budgetAmounts currency pastDueSince restrictedAt createdAt updatedAt"""
ESTIMATE_FIELDS = f"""object period periodStart periodEnd asOf currency plan includedCalls
  overageUnitPrice callsSoFar costSoFar projectedCalls projectedCost {SPEND_CAP}
  plans {{ plan name isCurrent costSoFar projectedCost projectedCallsRefused }}"""


@pytest.fixture
def ledger(tenant, other_tenant):
    start, _ = period_bounds()
    live = api_key_create(tenant=tenant, name="ledger live").api_key.pk
    test = api_key_create(tenant=tenant, name="ledger test", mode="test").api_key.pk
    _minute(tenant, key_id=live, mode="live", minute=start, calls=5)
    _minute(tenant, key_id=live, mode="live", minute=start + timedelta(days=1), calls=3,
            status=429, billable=False)  # fmt: skip
    _minute(tenant, key_id=test, mode="test", minute=start + timedelta(days=1), calls=7)
    _minute(tenant, key_id=live, mode="live", minute=start - timedelta(minutes=1), calls=100)
    _minute(other_tenant, key_id="key_other", mode="live", minute=start, calls=1000)
    return {"live": live, "test": test, "start": start}


@pytest.fixture
def invoices(tenant):
    rows = [_invoice(tenant, months_ago=m, number=f"OC-GQL-{m:06d}") for m in (1, 2, 3)]
    CreditNote.objects.create(
        number="CN-GQL-000001",
        invoice=rows[0],
        organisation=tenant,
        amount=900,
        reason="Goodwill",
    )
    return rows


# --- Parity with REST


def test_usage_is_the_rest_object_field_for_field(api, api_client, ledger):
    previous = f"{ledger['start'] - timedelta(days=1):%Y-%m}"

    current = data(gql(api_client, f"{{ usage {{ {USAGE_FIELDS} }} }}"))["usage"]
    past = data(
        gql(
            api_client,
            f"query($p: String) {{ usage(period: $p) {{ {USAGE_FIELDS} }} }}",
            {"p": previous},
        )  # fmt: skip
    )["usage"]

    assert rest_shaped(current) == api.get("/v1/usage").json()
    assert current["totals"] == {
        "calls": 15,
        "billableCalls": 5,
        "nonBillableCalls": 3,
        "sandboxCalls": 7,
    }
    assert rest_shaped(past) == api.get("/v1/usage", period=previous).json()
    assert past["totals"]["calls"] == 100


@pytest.mark.parametrize("period", ["2026-13", "26-01", "1999-01", "2026-1x"])
def test_a_bad_period_is_rests_validation_error(api, api_client, period):
    rest = problem(api.get("/v1/usage", period=period), 400, "validation_error")

    found = error(
        gql(api_client, "query($p: String) { usage(period: $p) { period } }", {"p": period}),
        "validation_error",
    )

    assert found["extensions"]["errors"] == rest["errors"]


def test_an_invoice_with_lines_is_the_rest_object_field_for_field(api, api_client, invoices):
    invoice_id = invoices[0].public_id
    rest = api.get(f"/v1/invoices/{invoice_id}").json()
    assert len(rest["lines"]) == 1 and len(rest["credit_notes"]) == 1  # the fixture's

    by_id = data(
        gql(
            api_client,
            f"query($id: ID!) {{ invoice(id: $id) {{ {INVOICE_FIELDS} }} }}",
            {"id": invoice_id},
        )  # fmt: skip
    )["invoice"]
    by_node = data(
        gql(
            api_client,
            f"query($id: ID!) {{ node(id: $id) {{ ... on Invoice {{ {INVOICE_FIELDS} }} }} }}",
            {"id": invoice_id},
        )  # fmt: skip
    )["node"]

    assert rest_shaped(by_id) == rest
    assert rest_shaped(by_node) == rest


def test_invoices_page_as_rest_with_the_same_cursors(api, api_client, invoices):
    rest = api.get("/v1/invoices", limit=2).json()
    query = f"""query($after: String, $order: InvoiceOrdering) {{
      invoices(first: 2, after: $after, orderBy: $order) {{ totalCount
        pageInfo {{ hasNextPage endCursor }} nodes {{ {INVOICE_FIELDS} }} }} }}"""

    page = data(gql(api_client, query))["invoices"]
    rest_next = api.get("/v1/invoices", limit=2, cursor=rest["next_cursor"]).json()
    next_page = data(gql(api_client, query, {"after": page["pageInfo"]["endCursor"]}))["invoices"]
    oldest = data(gql(api_client, query, {"order": "PERIOD_START"}))["invoices"]

    assert rest_shaped(page["nodes"]) == rest["data"]
    assert page["pageInfo"] == {"hasNextPage": True, "endCursor": rest["next_cursor"]}
    assert page["totalCount"] == 3
    assert rest_shaped(next_page["nodes"]) == rest_next["data"]
    assert [node["id"] for node in oldest["nodes"]] == [
        item["id"]
        for item in api.get("/v1/invoices", limit=2, ordering="period_start").json()["data"]
    ]
    assert oldest["nodes"][0]["id"] == invoices[-1].public_id


def test_the_subscription_and_the_estimate_are_the_rest_objects(api, api_client):
    subscription = data(gql(api_client, f"{{ billingSubscription {{ {SUBSCRIPTION_FIELDS} }} }}"))
    estimate = data(gql(api_client, f"{{ billingEstimate {{ {ESTIMATE_FIELDS} }} }}"))

    assert (
        rest_shaped(subscription["billingSubscription"])
        == api.get("/v1/billing/subscription").json()
    )
    rest_estimate = api.get("/v1/billing/estimate").json()
    graphql_estimate = rest_shaped(estimate["billingEstimate"])
    assert graphql_estimate.pop("as_of") <= rest_estimate.pop("as_of")  # read just before
    assert graphql_estimate == rest_estimate
    assert {"free", "pro", "business"} <= {plan["plan"] for plan in rest_estimate["plans"]}


# --- Isolation: test keys and other tenants


def test_a_test_key_sees_the_sandbox_usage_and_no_invoices(
    sandbox_api, sandbox_api_client, ledger, invoices
):
    usage = data(gql(sandbox_api_client, f"{{ usage {{ {USAGE_FIELDS} }} }}"))["usage"]
    listed = data(
        gql(sandbox_api_client, "{ invoices { totalCount pageInfo { hasNextPage } nodes { id } } }")
    )["invoices"]

    assert rest_shaped(usage) == sandbox_api.get("/v1/usage").json()
    assert usage["livemode"] is False and usage["totals"]["calls"] == 7
    assert [row["keyId"] for row in usage["byKey"]] == [ledger["test"]]
    assert listed == {"totalCount": 0, "pageInfo": {"hasNextPage": False}, "nodes": []}
    assert sandbox_api.get("/v1/invoices").json()["data"] == []
    for field in ("invoice", "node"):
        found = error(
            gql(sandbox_api_client, f'{{ {field}(id: "{invoices[0].public_id}") {{ id }} }}'),
            "not_found",
        )
        assert "test mode" in found["message"]


@pytest.mark.parametrize("field", ["billingSubscription", "billingEstimate"])
def test_a_test_key_may_not_read_the_live_billing_account(sandbox_api_client, field):
    response = gql(sandbox_api_client, f"{{ {field} {{ plan }} }}")

    found = error(response, "livemode_required")

    assert response.json()["data"] == {field: None}
    assert "live key" in found["message"]


def test_another_tenants_invoice_is_not_found_and_its_lists_are_its_own(
    other_api_client, invoices, ledger
):
    invoice_id = invoices[0].public_id

    for field in ("invoice", "node"):
        found = error(gql(other_api_client, f'{{ {field}(id: "{invoice_id}") {{ id }} }}'),
                      "not_found")  # fmt: skip
        assert found["message"] == "No such invoice."
    listed = data(gql(other_api_client, "{ invoices { totalCount nodes { id } } }"))["invoices"]
    usage = data(gql(other_api_client, f"{{ usage {{ {USAGE_FIELDS} }} }}"))["usage"]

    assert invoice_id not in [node["id"] for node in listed["nodes"]]
    assert listed["totalCount"] == 0
    assert usage["totals"]["calls"] == 1000
    assert ledger["live"] not in [row["keyId"] for row in usage["byKey"]]


@pytest.mark.parametrize("invoice_id", ["inv_nope", "inv_", "chl_x", "x" * 200])
def test_an_unknown_invoice_is_not_found(api_client, invoices, invoice_id):
    error(gql(api_client, "query($id: ID!) { invoice(id: $id) { id } }", {"id": invoice_id}),
          "not_found")  # fmt: skip


# --- Scopes


@pytest.mark.parametrize(
    "field",
    ["invoices { nodes { id } }", "billingSubscription { id }", "billingEstimate { plan }"],
)
def test_billing_fields_need_billing_read(api_client_factory, tenant, invoices, field):
    usage_only = api_key_create(tenant=tenant, name="usage", scopes=["usage:read"]).secret
    billing = api_key_create(tenant=tenant, name="billing", scopes=["billing:read"]).secret

    refused = error(gql(api_client_factory(usage_only), f"{{ {field} }}"), "insufficient_scope")

    assert refused["extensions"]["required_scope"] == "billing:read"
    data(gql(api_client_factory(billing), f"{{ {field} }}"))


def test_an_invoice_by_id_or_node_needs_billing_read(api_client_factory, tenant, invoices):
    key = api_key_create(tenant=tenant, name="reader", scopes=["challenges:read"]).secret
    for field in ("invoice", "node"):
        refused = error(
            gql(api_client_factory(key), f'{{ {field}(id: "{invoices[0].public_id}") {{ id }} }}'),
            "insufficient_scope",
        )
        assert refused["extensions"]["required_scope"] == "billing:read"


@pytest.mark.parametrize(
    ("scopes", "allowed"),
    [(["usage:read"], True), (["billing:read"], True), (["challenges:read"], False)],
)
def test_usage_reads_with_the_usage_or_the_billing_scope(
    api_client_factory, tenant, ledger, scopes, allowed
):
    key = api_key_create(tenant=tenant, name="scoped", scopes=scopes).secret

    response = gql(api_client_factory(key), "{ usage { totals { calls } } }")

    if allowed:
        assert data(response)["usage"]["totals"]["calls"] == 15
    else:
        found = error(response, "insufficient_scope")
        assert found["extensions"]["required_scope"] == "billing:read"
        assert response.json()["data"] == {"usage": None}


# --- SQL


def _selects(captured) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if q["sql"].lstrip().startswith("SELECT")]


def test_an_invoices_page_with_lines_is_a_constant_number_of_queries(api_client, invoices, tenant):
    query = f"query($n: Int) {{ invoices(first: $n) {{ nodes {{ {INVOICE_FIELDS} }} }} }}"
    data(gql(api_client, query, {"n": 1}))  # warm the key
    with CaptureQueriesContext(connection) as three:
        assert len(data(gql(api_client, query, {"n": 3}))["invoices"]["nodes"]) == 3
    for months in (4, 5, 6):
        _invoice(tenant, months_ago=months, number=f"OC-GQL-{months:06d}")
    with CaptureQueriesContext(connection) as six:
        page = data(gql(api_client, query, {"n": 6}))["invoices"]["nodes"]

    assert len(page) == 6 and all(len(node["lines"]) == 1 for node in page)
    assert len(_selects(six)) == len(_selects(three))


def test_invoices_page_backwards_with_last_and_before(api_client, invoices):
    newest_first = [invoice.public_id for invoice in invoices]
    query = """query($before: String) { invoices(last: 2, before: $before) {
      pageInfo { hasPreviousPage hasNextPage startCursor } nodes { id } } }"""

    tail = data(gql(api_client, query))["invoices"]
    head = data(gql(api_client, query, {"before": tail["pageInfo"]["startCursor"]}))["invoices"]

    assert [node["id"] for node in tail["nodes"]] == newest_first[1:]
    assert tail["pageInfo"]["hasPreviousPage"] is True
    assert [node["id"] for node in head["nodes"]] == newest_first[:1]
    assert head["pageInfo"]["hasPreviousPage"] is False and head["pageInfo"]["hasNextPage"]


def test_an_invoices_page_is_costed_like_any_connection(api_client, invoices):
    small = gql(api_client, "{ invoices(first: 100) { nodes { id } } }")
    nested = gql(
        api_client,
        "{ invoices(first: 100) { nodes { id } } challenges(first: 100) { nodes { id } } }",
    )

    assert small["X-GraphQL-Cost"] == "1" and nested["X-GraphQL-Cost"] == "2"
