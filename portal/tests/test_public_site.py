"""The public site on BASE_DOMAIN: landing, pricing from the public plans with its cost
calculator (the server-side answer that works without JavaScript), find my workspace (the same
answer whether or not the address has an account), the docs link, and what it never serves."""

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client

from billing.models import Plan
from billing.selectors import plans_public_cache_clear
from portal.public.pricing import estimates_for, money_text, priced_plans

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_price_list():
    plans_public_cache_clear()
    yield
    plans_public_cache_clear()


def test_the_landing_page(public_client):
    response = public_client.get("/")

    body = response.content.decode()
    assert response.status_code == 200
    assert "Start free" in body and 'href="/signup/"' in body and 'href="/pricing/"' in body
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "<script>" not in body and "style=" not in body


def test_pricing_lists_the_public_plans_with_their_prices(public_client):
    Plan.objects.create(
        code="secret-deal", name="Secret deal", rate_per_second=1, burst=1, is_public=False
    )

    body = public_client.get("/pricing/").content.decode()

    for name in ("Free", "Pro", "Business", "Enterprise"):
        assert f">{name}</h2>" in body
    assert "Secret deal" not in body
    assert "$49" in body and "$499" in body
    assert "100,000 calls included a month" in body
    assert "$0.001 per extra call" in body
    assert "hard cap" in body
    assert "Rate limit 25 requests/s, bursts of 50" in body


def test_the_calculator_answers_without_javascript(public_client):
    response = public_client.get("/pricing/", {"calls": "150000"})

    estimates = {e.plan.code: e for e in response.context["estimates"]}
    assert estimates["pro"].cost_text == "$99.00 / month"  # $49 + 50,000 × $0.001
    assert estimates["business"].cost_text == "$499.00 / month"
    assert estimates["free"].cost_text == "Over the hard cap"
    assert estimates["enterprise"].cost_text == "Contact us"
    assert [code for code, e in estimates.items() if e.is_cheapest] == ["pro"]
    assert "$99.00 / month" in response.content.decode()


@pytest.mark.parametrize("calls", ["-5", "lots", "99999999999999"])
def test_the_calculator_explains_bad_input(public_client, calls):
    response = public_client.get("/pricing/", {"calls": calls})

    assert response.status_code == 200
    assert 'class="errorlist"' in response.content.decode()
    assert response.context["calls"] == 50_000  # the default estimate is shown instead


def test_the_calculator_arithmetic():
    plans = {plan.code: plan for plan in priced_plans()}

    assert plans["free"].cost_for(1_000) == 0 and plans["free"].cost_for(1_001) is None
    assert plans["pro"].cost_for(100_000) == 4_900
    assert plans["pro"].cost_for(100_001) == 4_900 + plans["pro"].overage_unit_price
    cheapest = [e.plan.code for e in estimates_for(list(plans.values()), 500) if e.is_cheapest]
    assert cheapest == ["free"]
    assert money_text(4900, "$", whole=True) == "$49"
    assert money_text(0.1, "$") == "$0.001"
    assert money_text(1234567, "$") == "$12,345.67"


def test_find_my_workspace_emails_the_list(public_client, tenant, owner, other_tenant):
    response = public_client.post("/find-workspace/", {"email": owner.email.upper()})

    assert response.status_code == 200
    assert "If <strong>owner@alpha.test</strong> has an OpenChance account" in (
        response.content.decode()
    )
    assert [message.to for message in mail.outbox] == [[owner.email]]
    assert f"http://{tenant.slug}.{settings.BASE_DOMAIN}/" in mail.outbox[0].body
    assert other_tenant.slug not in mail.outbox[0].body


def test_find_my_workspace_answers_the_same_for_an_unknown_address(public_client):
    response = public_client.post("/find-workspace/", {"email": "nobody@nowhere.test"})

    assert response.status_code == 200
    assert "If <strong>nobody@nowhere.test</strong> has an OpenChance account" in (
        response.content.decode()
    )
    assert mail.outbox == []


def test_find_my_workspace_is_rate_limited(public_client, owner, settings):
    settings.PORTAL_FIND_WORKSPACE_RATE = "2/h"
    for _ in range(2):
        public_client.post("/find-workspace/", {"email": owner.email})

    response = public_client.post("/find-workspace/", {"email": owner.email})

    assert response.status_code == 429 and "Too many" in response.content.decode()
    assert len(mail.outbox) == 2


def test_find_my_workspace_refuses_a_bad_address(public_client):
    response = public_client.post("/find-workspace/", {"email": "not an email"})

    assert response.status_code == 200 and "Enter a valid email address" in (
        response.content.decode()
    )
    assert mail.outbox == []


def test_the_docs_link_goes_to_the_api_reference(public_client):
    response = public_client.get("/docs/")

    assert response.status_code == 302
    assert response["Location"] == f"http://api.{settings.BASE_DOMAIN}/docs/"


def test_workspaces_need_a_login(public_client):
    response = public_client.get("/workspaces/")

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_allauths_signup_on_the_public_host_is_the_sites(public_client):
    response = public_client.get("/accounts/signup/?next=/x")

    assert response.status_code == 302 and response["Location"] == "/signup/?next=/x"


@pytest.mark.parametrize("path", ["/members/", "/keys/", "/mode/", "/handoff/x/"])
def test_the_public_host_serves_no_portal_page(public_client, path):
    assert public_client.get(path).status_code == 404


def test_the_admin_keeps_working_on_the_public_host(public_client):
    assert public_client.get("/admin/login/").status_code == 200


def test_a_tenant_host_serves_no_public_site_page(tenant):
    client = Client(HTTP_HOST=f"{tenant.slug}.{settings.BASE_DOMAIN}")

    for path in ("/pricing/", "/signup/", "/find-workspace/"):
        assert client.get(path).status_code == 404
