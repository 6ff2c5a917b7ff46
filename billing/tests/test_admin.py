"""The operator admin of billing (public host, Django's test client as a staff user): invoices
listed and shown read-only, void / mark paid / credit note through the services, the revenue
page; staff without the permission and anonymous visitors can do none of it."""

import pytest
from django.conf import settings
from django.test import Client

from billing.models import CreditNote, Invoice
from billing.services import invoice_close_period, subscription_change_plan
from billing.tests.support import AFTER_NOV, NOV, ledger_add, subscription_in_period
from tenants.models import User

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/billing/invoice/"


@pytest.fixture
def operator_client():
    operator = User.objects.create_superuser("ops@billing.test", "ops-password-123")
    client = Client(HTTP_HOST=settings.BASE_DOMAIN)
    client.force_login(operator)
    return client


@pytest.fixture
def viewer_client():
    """Staff who may look at invoices but not act on them."""
    from django.contrib.auth.models import Permission

    viewer = User.objects.create_user("viewer@billing.test", "viewer-password-123", is_staff=True)
    viewer.user_permissions.add(
        Permission.objects.get(codename="view_invoice", content_type__app_label="billing")
    )
    client = Client(HTTP_HOST=settings.BASE_DOMAIN)
    client.force_login(viewer)
    return client


@pytest.fixture
def invoice(tenant):
    subscription_in_period(tenant, plan="pro")
    ledger_add(tenant, 120_000)
    return invoice_close_period(organisation=tenant, period_start=NOV, now=AFTER_NOV)


def _action(client, action, invoice):
    return client.post(
        CHANGELIST, {"action": action, "_selected_action": [invoice.pk]}, follow=True
    )


def test_it_lists_and_shows_invoices_read_only(operator_client, invoice):
    listing = operator_client.get(CHANGELIST)
    assert listing.status_code == 200
    assert invoice.number in listing.content.decode()
    assert "$69.00" in listing.content.decode()

    page = operator_client.get(f"{CHANGELIST}{invoice.pk}/change/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Calls past the included 100,000" in body
    assert 'name="_save"' not in body  # no edit form: finalised invoices never change


def test_void_action(operator_client, invoice):
    response = _action(operator_client, "void_invoices", invoice)
    assert response.status_code == 200
    assert "Voided 1 invoice(s)." in response.content.decode()
    assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.VOID


def test_mark_paid_action_then_void_is_refused(operator_client, invoice):
    _action(operator_client, "mark_paid", invoice)
    paid = Invoice.objects.get(pk=invoice.pk)
    assert paid.status == Invoice.Status.PAID and paid.amount_paid == 6900

    response = _action(operator_client, "void_invoices", invoice)
    assert "only draft and open invoices can be voided" in response.content.decode()
    assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.PAID


def test_credit_note_action(operator_client, invoice):
    start = _action(operator_client, "issue_credit_note", invoice)
    assert start.redirect_chain[-1][0] == f"{CHANGELIST}{invoice.pk}/credit-note/"

    bad = operator_client.post(
        f"{CHANGELIST}{invoice.pk}/credit-note/", {"amount": 999_999, "reason": "Too much"}
    )
    assert bad.status_code == 200 and "left to credit" in bad.content.decode()
    assert not CreditNote.objects.exists()

    done = operator_client.post(
        f"{CHANGELIST}{invoice.pk}/credit-note/",
        {"amount": 900, "reason": "Outage"},
        follow=True,
    )
    note = CreditNote.objects.get(invoice=invoice)
    assert (note.amount, note.reason, note.created_by) == (900, "Outage", "ops@billing.test")
    assert f"Credit note {note.number} issued" in done.content.decode()
    assert Invoice.objects.get(pk=invoice.pk).amount_due == 6000


def test_revenue_view(operator_client, tenant, invoice):
    subscription_change_plan(organisation=tenant, plan="business")

    response = operator_client.get(f"{CHANGELIST}revenue/")

    assert response.status_code == 200
    body = response.content.decode()
    assert "Business (business)" in body and "$499.00" in body
    assert "2026-11" in body
    assert "$20.00" in body  # November's overage: 20,000 calls × $0.001
    plans = {row["plan"]: row for row in response.context["plans"]}
    assert plans["business"]["organisations"] >= 1
    assert plans["business"]["mrr"] == 49_900 * plans["business"]["organisations"]


def test_staff_without_the_permission_cannot_act(viewer_client, invoice):
    listing = viewer_client.get(CHANGELIST)
    assert listing.status_code == 200  # may look

    _action(viewer_client, "void_invoices", invoice)
    _action(viewer_client, "mark_paid", invoice)
    credit = viewer_client.post(
        f"{CHANGELIST}{invoice.pk}/credit-note/", {"amount": 100, "reason": "x"}
    )

    assert credit.status_code == 302
    assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.OPEN
    assert not CreditNote.objects.exists()


def test_anonymous_visitors_are_sent_to_the_login(invoice):
    client = Client(HTTP_HOST=settings.BASE_DOMAIN)
    for url in (CHANGELIST, f"{CHANGELIST}revenue/", f"{CHANGELIST}{invoice.pk}/credit-note/"):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
