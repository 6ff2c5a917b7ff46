"""Billing at the gateway (issue 11, item 8): a spend cap that blocks, restriction, pay-as-you-go.

Each test provisions an organisation on a custom plan with a handful of included calls and a
price of one cent per call past them, so that a cap of a few cents is reached in a few calls.
Caps and payment state are set through billing's services, which invalidate the gateway's
cached limits (topic "plan") exactly as the portal and the API do.
"""

import time
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.test import Client

from api.gateway.pipeline import CACHE_GENERATION_KEY, redis_client
from apikeys.services import api_key_create
from billing.models import Plan, Subscription
from billing.services import billing_settings_update, subscription_payment_method_set
from billing.services.dunning import subscription_restrict
from core.testing import problem
from organisations.services import organisation_provision

pytestmark = pytest.mark.django_db

INCLUDED = 2
LIFT_SECONDS = 5  # the documented bound for a raised cap to reach every process


def _plan(**fields) -> Plan:
    defaults = {
        "code": f"cap-{uuid.uuid4().hex[:8]}",
        "name": "Capped",
        "rate_per_second": 100,
        "burst": 100,
        "included_calls": INCLUDED,
        "overage_unit_price": Decimal("1"),  # one cent per call past the included ones
        "monthly_price": 0,
        "is_public": False,
    }
    return Plan.objects.create(**{**defaults, **fields})


@pytest.fixture
def organisation(api_client_factory):
    """A provisioned organisation on the capped plan: its live and sandbox clients."""
    plan = _plan()
    slug = f"cap-{uuid.uuid4().hex[:8]}"
    provisioned = organisation_provision(
        slug=slug, name="Capped", plan_code=plan.code, owner_email=f"{slug}@cap.test"
    )
    host = f"{slug}.{settings.BASE_DOMAIN}"
    return SimpleNamespace(
        tenant=provisioned.tenant,
        host=host,
        live=api_client_factory(provisioned.live_key, host=host),
        sandbox=api_client_factory(provisioned.test_key, host=host),
    )


def _statuses(client, count: int, path: str = "/v1/me") -> list[int]:
    return [client.get(path).status_code for _ in range(count)]


def test_live_calls_past_the_spend_cap_get_402_naming_the_cap_and_how_to_raise_it(organisation):
    # given: a cap of 3 cents on overage: 2 included calls + 3 calls at 1 cent
    billing_settings_update(organisation=organisation.tenant, spend_cap_amount=3)

    # when
    statuses = _statuses(organisation.live, INCLUDED + 3)
    refused = organisation.live.get("/v1/me")

    # then
    assert statuses == [200] * (INCLUDED + 3)
    body = problem(refused, 402, "spend_cap_reached")
    assert body["spend_cap"] == {"amount": 3, "kind": "overage", "currency": "usd"}
    assert body["amount_reached"] == 3 and body["currency"] == "usd"
    assert body["period_calls"] == INCLUDED + 3
    assert body["settings_route"] == "PATCH /v1/billing/settings"
    assert "PATCH /v1/billing/settings" in body["detail"] and "0.03 USD" in body["detail"]
    assert refused["X-RateLimit-Limit"] == "100"  # the limit headers, as on every limited call
    # the sandbox is not affected, and billing's own routes keep answering the blocked tenant
    assert _statuses(organisation.sandbox, 3) == [200, 200, 200]
    assert organisation.live.get("/v1/billing/settings").status_code == 200
    assert organisation.live.get("/v1/usage").status_code == 200
    problem(organisation.live.get("/v1/challenges"), 402, "spend_cap_reached")


def test_a_total_cap_counts_the_base_fee(api_client_factory):
    # given: a base fee of 5 cents and a total cap of 7 cents: 2 overage calls fit
    plan = _plan(monthly_price=5)
    slug = f"cap-{uuid.uuid4().hex[:8]}"
    provisioned = organisation_provision(
        slug=slug, name="Total", plan_code=plan.code, owner_email=f"{slug}@cap.test"
    )
    client = api_client_factory(provisioned.live_key, host=f"{slug}.{settings.BASE_DOMAIN}")
    billing_settings_update(
        organisation=provisioned.tenant, spend_cap_amount=7, spend_cap_kind="total"
    )

    # when
    statuses = _statuses(client, INCLUDED + 3)

    # then
    assert statuses == [200] * (INCLUDED + 2) + [402]
    body = client.get("/v1/me").json()
    assert body["spend_cap"] == {"amount": 7, "kind": "total", "currency": "usd"}
    assert body["amount_reached"] >= 7


def test_raising_the_cap_lifts_the_block_within_5_seconds(organisation):
    # given: blocked
    billing_settings_update(organisation=organisation.tenant, spend_cap_amount=1)
    _statuses(organisation.live, INCLUDED + 1)
    problem(organisation.live.get("/v1/me"), 402, "spend_cap_reached")

    # when: the cap is raised through the service
    raised_at = time.monotonic()
    billing_settings_update(organisation=organisation.tenant, spend_cap_amount=50)

    # then: a live call passes again within the documented bound (here: at once)
    while organisation.live.get("/v1/me").status_code != 200:
        assert time.monotonic() - raised_at < LIFT_SECONDS, "the raised cap did not apply"
        time.sleep(0.2)
    assert time.monotonic() - raised_at < LIFT_SECONDS


def test_removing_the_cap_through_the_api_lifts_the_block(organisation):
    # given
    billing_settings_update(organisation=organisation.tenant, spend_cap_amount=1)
    _statuses(organisation.live, INCLUDED + 1)
    problem(organisation.live.get("/v1/me"), 402, "spend_cap_reached")

    # when: the blocked tenant removes its cap with its live key
    response = organisation.live.patch(
        "/v1/billing/settings", {"spend_cap": None}, content_type="application/json"
    )

    # then
    assert response.status_code == 200, response.content
    assert response.json()["spend_cap"] is None
    assert organisation.live.get("/v1/me").status_code == 200


def test_the_cap_check_costs_a_warm_call_no_query(organisation, django_assert_num_queries):
    # given: a cap far away, and the key warm
    billing_settings_update(organisation=organisation.tenant, spend_cap_amount=1000)
    assert organisation.live.get("/v1/me").status_code == 200

    # when / then
    with django_assert_num_queries(0):
        assert organisation.live.get("/v1/me").status_code == 200


def test_the_blocked_call_costs_no_query_either(organisation, django_assert_num_queries):
    billing_settings_update(organisation=organisation.tenant, spend_cap_amount=1)
    _statuses(organisation.live, INCLUDED + 1)
    problem(organisation.live.get("/v1/me"), 402, "spend_cap_reached")

    with django_assert_num_queries(0):
        problem(organisation.live.get("/v1/me"), 402, "spend_cap_reached")


def _restrict(organisation) -> None:
    # Dunning restricts an organisation past due long enough (B2's service does the rest).
    past_due = datetime.now(UTC) - timedelta(days=settings.BILLING_DUNNING_RESTRICT_AFTER_DAYS + 1)
    Subscription.objects.filter(organisation=organisation).update(
        status=Subscription.Status.PAST_DUE, past_due_since=past_due
    )
    subscription = Subscription.objects.get(organisation=organisation)
    assert subscription_restrict(subscription=subscription)


def test_a_restricted_organisation_gets_402_payment_required_on_live_calls_only(
    organisation, django_assert_num_queries
):
    # given: a warm key
    assert organisation.live.get("/v1/me").status_code == 200

    # when
    _restrict(organisation.tenant)

    # then: refused from the cached context (no query), sandbox and billing routes unaffected
    problem(organisation.live.get("/v1/me"), 402, "payment_required")
    with django_assert_num_queries(0):
        body = problem(organisation.live.get("/v1/challenges"), 402, "payment_required")
    assert "GET /v1/invoices" in body["detail"]
    assert organisation.sandbox.get("/v1/me").status_code == 200
    assert organisation.live.get("/v1/invoices").status_code == 200
    assert organisation.live.get("/v1/billing/subscription").json()["restricted_at"]


def test_a_restricted_organisations_refused_calls_are_not_counted(organisation):
    # given
    _restrict(organisation.tenant)
    problem(organisation.live.get("/v1/me"), 402, "payment_required")

    # when: the restriction ends
    Subscription.objects.filter(organisation=organisation.tenant).update(restricted_at=None)
    billing_settings_update(organisation=organisation.tenant, budget_amounts=[100])  # invalidates

    # then: the refused call took no token and counted no call
    assert organisation.live.get("/v1/me").json()["usage"]["billable_calls"] == 1


def test_pay_as_you_go_lifts_the_hard_quota(api_client_factory):
    # given: a hard-capped plan of 2 calls a month
    plan = _plan(is_hard_cap=True)
    slug = f"payg-{uuid.uuid4().hex[:8]}"
    provisioned = organisation_provision(
        slug=slug, name="Free-ish", plan_code=plan.code, owner_email=f"{slug}@cap.test"
    )
    client = api_client_factory(provisioned.live_key, host=f"{slug}.{settings.BASE_DOMAIN}")
    assert _statuses(client, INCLUDED) == [200] * INCLUDED
    problem(client.get("/v1/me"), 429, "quota_exceeded")

    # when: a payment method and pay-as-you-go
    subscription_payment_method_set(organisation=provisioned.tenant, has_payment_method=True)
    billing_settings_update(organisation=provisioned.tenant, pay_as_you_go=True)

    # then: calls run on into overage, up to a spend cap if one is set
    assert _statuses(client, 2) == [200, 200]
    billing_settings_update(organisation=provisioned.tenant, spend_cap_amount=1)
    problem(client.get("/v1/me"), 402, "spend_cap_reached")


def test_billing_routes_are_neither_counted_nor_billed(organisation):
    # given
    first = organisation.live.get("/v1/me").json()["usage"]["billable_calls"]

    # when
    for path in ("/v1/usage", "/v1/invoices", "/v1/billing/settings", "/v1/billing/estimate"):
        assert organisation.live.get(path).status_code == 200, path

    # then
    assert organisation.live.get("/v1/me").json()["usage"]["billable_calls"] == first + 1


def test_a_key_without_billing_scope_cannot_raise_the_cap(organisation):
    # given
    billing_settings_update(organisation=organisation.tenant, spend_cap_amount=1)
    reader = api_key_create(
        tenant=organisation.tenant, name="reader", scopes=["billing:read"]
    ).secret
    client = Client(HTTP_HOST=organisation.host, HTTP_AUTHORIZATION=f"Bearer {reader}")

    # when
    response = client.patch(
        "/v1/billing/settings", {"spend_cap": None}, content_type="application/json"
    )

    # then
    assert problem(response, 403, "insufficient_scope")["required_scope"] == "billing:write"
    assert Subscription.objects.get(organisation=organisation.tenant).spend_cap_amount == 1


def test_a_cap_raised_in_another_process_lifts_the_block_here_within_5_seconds(organisation):
    """Another process raises the cap: this process's warm key context still holds the old one
    until the invalidation generation moves in Redis (what that process's service does), which
    this process sees in its next limit script's reply."""
    # given: blocked, the key warm in this process
    billing_settings_update(organisation=organisation.tenant, spend_cap_amount=1)
    _statuses(organisation.live, INCLUDED + 1)
    problem(organisation.live.get("/v1/me"), 402, "spend_cap_reached")

    # when: the cap is raised elsewhere (the row, then the generation: no callback runs here)
    Subscription.objects.filter(organisation=organisation.tenant).update(spend_cap_amount=50)
    raised_at = time.monotonic()
    redis_client().incr(CACHE_GENERATION_KEY)

    # then
    statuses = []
    while not statuses or statuses[-1] != 200:
        assert time.monotonic() - raised_at < LIFT_SECONDS, statuses
        statuses.append(organisation.live.get("/v1/me").status_code)
    assert len(statuses) <= 2  # at most the call that brought the news was refused
