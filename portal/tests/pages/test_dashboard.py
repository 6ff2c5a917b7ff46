"""The dashboard: calls this period against the plan's included calls, the upgrade prompt when
limits bit in the last day, the 402 banner, billing's cost estimate where billing provides it,
recent errors and the quick start (never a secret)."""

from datetime import UTC, datetime, timedelta

import pytest

from apikeys.services import api_key_create, api_key_revoke
from billing import selectors as billing_selectors

pytestmark = pytest.mark.django_db


def _now_minute():
    return datetime.now(UTC).replace(second=0, microsecond=0)


def test_calls_this_period_against_the_included_calls(portal_client, ledger_row, tenant):
    start, _ = billing_selectors.period_bounds()
    ledger_row(minute=start, calls=1500)
    ledger_row(minute=_now_minute(), calls=500, status=404)
    ledger_row(minute=_now_minute(), calls=300, mode="test")
    ledger_row(minute=start - timedelta(minutes=1), calls=9999)  # last period

    response = portal_client("viewer", mode="live").get("/")

    context = response.context
    assert context["billable_calls"] == 2000
    assert context["included_calls"] == tenant.plan.included_calls == 100_000
    assert context["usage_percent"] == 2
    assert context["mode_summary"]["calls"] == 2000 and context["mode_summary"]["errors"] == 500
    body = response.content.decode()
    assert 'id="billable-calls">2,000<' in body and 'id="included-calls">100,000<' in body
    sandbox = portal_client("viewer").get("/")
    assert sandbox.context["mode_summary"]["calls"] == 300
    assert sandbox.context["billable_calls"] == 2000  # billing is live whatever the mode shown


def test_no_upgrade_prompt_without_429s(portal_client, ledger_row):
    ledger_row(minute=_now_minute(), status=429, calls=3, is_billable=False)
    ledger_row(minute=_now_minute() - timedelta(days=2), status=429, calls=3, route="/v1/x")

    assert portal_client("owner").get("/").context["upgrade"]["rate_limited"] == 3

    # a day later
    from metering.models import UsageMinute

    UsageMinute.objects.filter(status=429, route="/v1/me").update(
        minute=_now_minute() - timedelta(days=3)
    )
    response = portal_client("owner").get("/")
    assert response.context["upgrade"] is None
    assert 'id="upgrade-prompt"' not in response.content.decode()


def test_the_upgrade_prompt_names_the_plan_that_lifts_the_rate(portal_client, ledger_row):
    ledger_row(minute=_now_minute(), status=429, calls=12, is_billable=False, mode="test")

    response = portal_client("viewer").get("/")

    upgrade = response.context["upgrade"]
    assert upgrade["limit"] == "rate" and upgrade["plan"]["code"] == "business"
    body = response.content.decode()
    assert 'id="upgrade-prompt"' in body and "12 calls got 429" in body and "Business" in body


def test_billing_alerts_not_dismissed_are_banners(portal_client, tenant):
    from django.utils import timezone

    from billing.models import BillingAlert

    start, _ = billing_selectors.period_bounds()
    shown = BillingAlert.objects.create(
        organisation=tenant, period_start=start, threshold="included:80",
        reached_at=timezone.now(), calls=80_000,
    )  # fmt: skip
    dismissed = BillingAlert.objects.create(
        organisation=tenant, period_start=start, threshold="included:50",
        reached_at=timezone.now(), calls=50_000, dismissed_at=timezone.now(),
    )  # fmt: skip

    body = portal_client("viewer").get("/").content.decode()

    assert f'id="billing-alert-{shown.pk}"' in body and "80% of the included calls" in body
    assert f'id="billing-alert-{dismissed.pk}"' not in body


def test_a_402_in_the_last_day_shows_the_spend_cap_banner(portal_client, ledger_row):
    ledger_row(minute=_now_minute(), status=402, calls=2, is_billable=False)

    response = portal_client("viewer").get("/")

    assert response.context["billing"]["refused_402"] == 2
    assert 'id="spend-cap-banner"' in response.content.decode()


def test_the_cost_estimate_from_billing(portal_client, tenant):
    response = portal_client("owner", mode="live").get("/")

    estimate = response.context["billing"]["estimate"]
    expected = billing_selectors.usage_cost_estimate(tenant)
    assert (estimate["cost_so_far"], estimate["plan"]) == (expected["cost_so_far"], "pro")
    assert estimate["cost_so_far_text"] == f"{expected['cost_so_far'] / 100:,.2f} USD"
    assert f'id="cost-so-far">{estimate["cost_so_far_text"]}<' in response.content.decode()


def test_the_quick_start_shows_the_members_sandbox_key_prefix_never_a_secret(
    portal_client, tenant, persona
):
    developer = persona("developer")
    someone_elses = api_key_create(tenant=tenant, name="shared", mode="test")
    mine = api_key_create(tenant=tenant, name="mine", mode="test", actor=developer)
    api_key_create(tenant=tenant, name="live", mode="live", actor=developer)

    response = portal_client("developer").get("/")

    body = response.content.decode()
    assert response.context["sandbox_key"] == mine.api_key
    assert f"{mine.api_key.display_prefix}…{mine.api_key.last_four}" in body
    assert mine.secret not in body and someone_elses.secret not in body
    assert "$OPENCHANCE_API_KEY" in body
    for snippet in ("snippet-curl", "snippet-python", "snippet-js"):
        assert f'data-copy-target="{snippet}"' in body
    assert f"http://{tenant.slug}.localhost/v1/me" in body
    # the owner has no key of their own: they are shown the newest working one
    assert portal_client("owner").get("/").context["sandbox_key"] == mine.api_key


def test_without_a_working_sandbox_key_the_quick_start_offers_to_create_one(portal_client, tenant):
    from apikeys.models import ApiKey

    for api_key in ApiKey.objects.filter(tenant=tenant, mode="test"):
        api_key_revoke(api_key=api_key)

    writer = portal_client("developer").get("/").content.decode()
    viewer = portal_client("viewer").get("/").content.decode()

    assert 'id="no-sandbox-key"' in writer and 'href="/keys/new/"' in writer
    assert 'id="no-sandbox-key"' in viewer and "Ask a developer or admin" in viewer


def test_the_dashboard_runs_a_bounded_number_of_queries(portal_client, ledger_row, queries_of):
    client = portal_client("owner")
    client.get("/")
    _, before = queries_of(lambda: client.get("/"))
    for n in range(20):
        ledger_row(minute=_now_minute() - timedelta(minutes=n), route=f"/v1/r{n}")
    _, after = queries_of(lambda: client.get("/"))

    assert len(after) == len(before) <= 25


def test_a_spent_hard_capped_quota_prompts_the_plan_that_lifts_it(
    portal_client, tenant, ledger_row
):
    from billing.models import Plan

    tenant.plan = Plan.objects.get(code="free")
    tenant.save(update_fields=["plan"])
    start, _ = billing_selectors.period_bounds()
    ledger_row(minute=start, calls=1000)

    response = portal_client("owner", mode="live").get("/")

    upgrade = response.context["upgrade"]
    assert upgrade["limit"] == "quota" and upgrade["plan"]["code"] == "pro"
    assert "monthly calls are used up" in response.content.decode()
