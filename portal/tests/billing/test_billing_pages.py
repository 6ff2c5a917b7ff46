"""What an owner does on the billing pages, through billing's own services: the overview, a plan
change previewed then confirmed (the preview is the proration billing records), a downgrade
scheduled, cancel and resume, the spend cap and budgets (bad values: the form again with the
error, nothing stored changes), invoices (another tenant's: 404) and the PDF (a real one)."""

import io
from datetime import UTC, datetime

import pytest

from billing.models import BillingAdjustment, Subscription
from billing.selectors import subscription_of
from billing.tests.support import DEC, JAN, ledger_add, subscription_in_period
from portal.tests.billing.conftest import billing_snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_client(portal_client):
    return portal_client("owner")


@pytest.fixture
def in_december(tenant):
    """The tenant's subscription in the current period (December 2026), on Pro."""
    if not (DEC <= datetime.now(UTC) < JAN):
        pytest.skip("the fixture's period is December 2026")
    return subscription_in_period(tenant, DEC, JAN, plan="pro")


def test_the_overview_shows_plan_status_period_and_cost(owner_client, tenant, in_december):
    ledger_add(tenant, 120_000, minute=DEC.replace(hour=0, minute=5))

    body = owner_client.get("/billing/").content.decode()

    assert "Pro plan" in body and "Active" in body
    assert "2026-12-01 – 2027-01-01" in body
    assert "120000 billable calls" in body
    # Pro: $49 base fee + 20,000 calls past the included 100,000 at $0.001 = $69.00 so far
    assert 'id="cost-so-far">$69.00<' in body
    assert 'id="plan-business"' in body and 'id="plan-free"' in body


def test_an_upgrade_is_previewed_then_charged_as_previewed(owner_client, tenant, in_december):
    preview = owner_client.get("/billing/plan/?plan=business")
    body = preview.content.decode()
    shown = body.split('id="proration-amount">')[1].split("<")[0]

    response = owner_client.post("/billing/plan/", {"plan": "business", "confirm": "yes"})

    assert preview.status_code == 200 and "Takes effect <strong>now</strong>" in body
    assert response.status_code == 302 and response["Location"] == "/billing/"
    tenant.refresh_from_db()
    assert tenant.plan.code == "business"
    proration = BillingAdjustment.objects.get(organisation=tenant, kind="proration")
    shown_cents = int(shown.replace("$", "").replace(",", "").replace(".", ""))
    # the same rating code, seconds apart: at most a cent of rounding apart ($450 a month)
    assert abs(proration.amount - shown_cents) <= 1 and proration.amount > 40_000
    page = owner_client.get("/billing/").content.decode()
    assert "Business plan" in page and "is added to this period" in page


def test_a_downgrade_is_scheduled_for_the_period_end_and_can_be_withdrawn(
    owner_client, tenant, in_december
):
    preview = owner_client.get("/billing/plan/?plan=free").content.decode()
    owner_client.post("/billing/plan/", {"plan": "free", "confirm": "yes"})
    scheduled = owner_client.get("/billing/").content.decode()
    owner_client.post("/billing/resume/")

    assert 'id="effective-date">2027-01-01<' in preview
    assert 'id="scheduled-downgrade"' in scheduled and "Free from 2027-01-01" in scheduled
    tenant.refresh_from_db()
    subscription = subscription_of(tenant)
    assert tenant.plan.code == "pro" and subscription.scheduled_plan_id is None
    assert not BillingAdjustment.objects.filter(organisation=tenant).exists()


def test_cancel_needs_the_confirm_step_then_resume_withdraws_it(owner_client, tenant, in_december):
    unconfirmed = owner_client.post("/billing/cancel/", {})
    assert unconfirmed.status_code == 400
    assert not subscription_of(tenant).cancel_at_period_end

    confirmed = owner_client.post("/billing/cancel/", {"confirm": "yes"})
    overview = owner_client.get("/billing/").content.decode()
    assert confirmed.status_code == 302 and subscription_of(tenant).cancel_at_period_end
    assert 'id="scheduled-cancel"' in overview

    again = owner_client.post("/billing/cancel/", {"confirm": "yes"})
    assert again.status_code == 400 and "already cancelled" in again.content.decode()

    owner_client.post("/billing/resume/")
    assert not subscription_of(tenant).cancel_at_period_end


def test_an_unknown_plan_or_the_plan_in_force_changes_nothing(owner_client, tenant, in_december):
    before = billing_snapshot(tenant)

    unknown = owner_client.post("/billing/plan/", {"plan": "platinum", "confirm": "yes"})
    unknown_preview = owner_client.get("/billing/plan/?plan=platinum")
    same = owner_client.post("/billing/plan/", {"plan": "pro", "confirm": "yes"})

    assert unknown.status_code == 400 and "platinum is not one of" in unknown.content.decode()
    assert unknown_preview.status_code == 400
    assert same.status_code == 400 and "on the Pro plan already" in same.content.decode()
    assert billing_snapshot(tenant) == before


def test_settings_are_saved_in_minor_units(owner_client, tenant):
    response = owner_client.post(
        "/billing/settings/",
        {"spend_cap": "$1,250.50", "spend_cap_kind": "total", "budgets": "100, 25.5"},
    )

    assert response.status_code == 302
    subscription = subscription_of(tenant)
    assert subscription.spend_cap_amount == 125_050
    assert subscription.spend_cap_kind == Subscription.SpendCapKind.TOTAL
    assert subscription.budget_amounts == [2_550, 10_000]
    page = owner_client.get("/billing/settings/").content.decode()
    assert 'value="1250.50"' in page and "25.50, 100.00" in page

    removed = owner_client.post(
        "/billing/settings/", {"spend_cap": "", "spend_cap_kind": "overage", "budgets": ""}
    )
    assert removed.status_code == 302
    subscription = subscription_of(tenant)
    assert subscription.spend_cap_amount is None and subscription.budget_amounts == []


@pytest.mark.parametrize(
    "data, message",
    [
        ({"spend_cap": "-5"}, "must not be negative"),
        ({"spend_cap": "abc"}, "is not an amount"),
        ({"spend_cap": "0"}, "A cap of 0"),
        ({"spend_cap": "12.345"}, "at most two decimals"),
        ({"spend_cap": "1e12"}, "must be at most 100,000,000"),
        ({"spend_cap": "NaN"}, "is not an amount"),
        ({"spend_cap_kind": "everything"}, "Select a valid choice"),
        ({"budgets": "10, -1"}, "must not be negative"),
        ({"budgets": "10, 10"}, "listed twice"),
        ({"budgets": "0"}, "more than 0"),
        ({"budgets": ", ".join(str(n) for n in range(1, 13))}, "At most 10"),
        ({"pay_as_you_go": "on"}, "add a payment method first"),
    ],
)
def test_bad_settings_show_the_error_and_store_nothing(owner_client, tenant, data, message):
    before = billing_snapshot(tenant)
    values = {"spend_cap": "", "spend_cap_kind": "overage", "budgets": "", **data}

    response = owner_client.post("/billing/settings/", values)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert billing_snapshot(tenant) == before


def test_the_manual_provider_needs_no_payment_method_and_takes_no_card(owner_client, tenant):
    before = billing_snapshot(tenant)

    page = owner_client.get("/billing/payment-method/").content.decode()
    response = owner_client.post("/billing/payment-method/", {"card": "pm_card_visa"})

    assert "No payment method needed" in page and "TEST MODE" not in page
    assert response.status_code == 403 and "test mode" in response.content.decode()
    assert billing_snapshot(tenant) == before


def test_invoices_are_listed_and_shown(owner_client, invoice):
    listing = owner_client.get("/billing/invoices/").content.decode()
    detail = owner_client.get(f"/billing/invoices/{invoice.public_id}/").content.decode()
    document = owner_client.get(f"/billing/invoices/{invoice.public_id}/document/")

    assert invoice.number in listing and f"/billing/invoices/{invoice.public_id}/pdf/" in listing
    # Pro in November: $49 + 50,000 calls past the included 100,000 at $0.001 = $99.00
    assert 'id="invoice-total">$99.00<' in detail
    assert "Calls past the included 100,000" in detail
    assert document.status_code == 200 and invoice.number in document.content.decode()
    assert "script-src" not in document["Content-Security-Policy"]
    assert document["Content-Security-Policy"].startswith("default-src 'none'")


def test_the_pdf_is_a_real_pdf_of_that_invoice(owner_client, invoice):
    from pypdf import PdfReader

    response = owner_client.get(f"/billing/invoices/{invoice.public_id}/pdf/")

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert f'filename="{invoice.number}.pdf"' in response["Content-Disposition"]
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert invoice.number in text and "$99.00" in text


@pytest.mark.parametrize("suffix", ["", "document/", "pdf/"])
def test_another_tenants_invoice_is_not_found(owner_client, other_invoice, suffix):
    response = owner_client.get(f"/billing/invoices/{other_invoice.public_id}/{suffix}")

    assert response.status_code == 404
    assert other_invoice.number not in response.content.decode()


@pytest.mark.parametrize("invoice_id", ["inv_missing", "nonsense", "inv_" + "0" * 26])
def test_a_missing_or_malformed_invoice_is_not_found(owner_client, invoice_id):
    assert owner_client.get(f"/billing/invoices/{invoice_id}/").status_code == 404


@pytest.mark.parametrize(
    "fields, shown",
    [
        ({"status": "active"}, ["Active"]),
        ({"status": "trialing", "trial_end": JAN}, ["Trialing", "until 2027-01-01"]),
        ({"status": "past_due", "past_due_since": DEC}, ["Past due", 'id="past-due-banner"']),
        ({"status": "unpaid", "past_due_since": DEC}, ["Unpaid", 'id="past-due-banner"']),
        (
            {"status": "past_due", "past_due_since": DEC, "restricted_at": DEC},
            ["Past due", 'id="restricted-banner"', "402 payment_required"],
        ),
        ({"status": "cancelled", "cancelled_at": DEC}, ["Cancelled"]),
    ],
)
def test_every_status_is_shown(portal_client, tenant, in_december, fields, shown):
    for name, value in fields.items():
        setattr(in_december, name, value)
    in_december.save()

    body = portal_client("viewer").get("/billing/").content.decode()

    for text in shown:
        assert text in body, text
    if fields["status"] == "active":
        assert "banner" not in body.split('id="plan-card"')[0].split("<main")[1]


def test_a_trial_is_not_charged_by_an_upgrade_before_it_ends(owner_client, tenant, in_december):
    in_december.status, in_december.trial_end = "trialing", JAN
    in_december.save()

    body = owner_client.get("/billing/plan/?plan=business").content.decode()
    owner_client.post("/billing/plan/", {"plan": "business", "confirm": "yes"})

    assert 'id="proration-amount">$0.00<' in body
    assert not BillingAdjustment.objects.filter(organisation=tenant).exists()


def test_a_downgrade_below_this_periods_usage_says_what_happens(owner_client, tenant, in_december):
    ledger_add(tenant, 5_000, minute=DEC.replace(hour=0, minute=5))

    body = owner_client.get("/billing/plan/?plan=free").content.decode()

    assert 'id="downgrade-notice"' in body and "refused (429 quota_exceeded)" in body
