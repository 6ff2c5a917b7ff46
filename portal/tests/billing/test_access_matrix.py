"""Every billing page and POST under the role matrix: owners change billing; admins read
everything; developers and viewers read the overview only; a member of another tenant gets the
404 page (learning nothing); anonymous visitors go to the login page of the same host. A refused
POST changes nothing billing stores."""

import pytest

from portal.tests.billing.conftest import billing_snapshot
from portal.tests.pages.conftest import ROLES

pytestmark = pytest.mark.django_db

EVERY_MEMBER = set(ROLES)
OWNER_ADMIN = {"owner", "admin"}
OWNER = {"owner"}


def _pages(invoice_id: str) -> list[tuple[str, set[str]]]:
    return [
        ("/billing/", EVERY_MEMBER),
        ("/billing/plan/", OWNER_ADMIN),
        ("/billing/plan/?plan=business", OWNER_ADMIN),
        ("/billing/settings/", OWNER_ADMIN),
        ("/billing/payment-method/", OWNER_ADMIN),
        ("/billing/invoices/", OWNER_ADMIN),
        (f"/billing/invoices/{invoice_id}/", OWNER_ADMIN),
        (f"/billing/invoices/{invoice_id}/document/", OWNER_ADMIN),
        (f"/billing/invoices/{invoice_id}/pdf/", OWNER_ADMIN),
        ("/billing/cancel/", OWNER),
    ]


# Each POST as an owner would send it (every one changes something when an owner sends it).
POSTS = [
    ("/billing/plan/", {"plan": "business", "confirm": "yes"}),
    ("/billing/cancel/", {"confirm": "yes"}),
    ("/billing/resume/", {}),
    (
        "/billing/settings/",
        {"spend_cap": "50", "spend_cap_kind": "overage", "budgets": "10, 20"},
    ),
    ("/billing/payment-method/", {"card": "pm_card_visa"}),
]


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reads_what_it_may(portal_client, invoice, role):
    client = portal_client(role)

    for path, readers in _pages(invoice.public_id):
        response = client.get(path)
        expected = 200 if role in readers else 403
        assert response.status_code == expected, (role, path, response.status_code)
        if expected == 403:
            body = response.content.decode()
            assert "owners and admins" in body or "Only an owner" in body, path


def test_the_invoice_pdf_and_document_are_not_offered_to_developers(portal_client, invoice):
    body = portal_client("developer").get("/billing/").content.decode()

    assert invoice.public_id not in body and "/billing/invoices/" not in body
    assert "Change plan" not in body and "Cost this period" in body


def test_an_admin_reads_but_is_offered_no_change(portal_client, invoice):
    client = portal_client("admin")
    home = client.get("/billing/").content.decode()
    preview = client.get("/billing/plan/?plan=business").content.decode()
    settings = client.get("/billing/settings/").content.decode()

    assert invoice.number in home and 'href="/billing/plan/"' not in home
    assert "Preview" in preview and 'id="confirm-plan"' not in preview
    assert "<fieldset disabled>" in settings and "Only an owner" in settings


@pytest.mark.parametrize("role", ["admin", "developer", "viewer"])
@pytest.mark.parametrize("path, data", POSTS)
def test_only_owners_change_billing(portal_client, tenant, role, path, data):
    before = billing_snapshot(tenant)

    response = portal_client(role).post(path, data)

    assert response.status_code == 403
    assert "Only an owner" in response.content.decode()
    assert billing_snapshot(tenant) == before


@pytest.mark.parametrize("path, data", POSTS)
def test_a_member_of_another_tenant_gets_not_found_and_changes_nothing(
    portal_client, tenant, other_tenant, path, data
):
    before, before_other = billing_snapshot(tenant), billing_snapshot(other_tenant)

    response = portal_client("outsider").post(path, data)

    assert response.status_code == 404
    body = response.content.decode()
    assert "Page not found" in body and tenant.name not in body
    assert billing_snapshot(tenant) == before
    assert billing_snapshot(other_tenant) == before_other


def test_a_member_of_another_tenant_reads_nothing(portal_client, tenant, invoice):
    client = portal_client("outsider")

    for path, _ in _pages(invoice.public_id):
        response = client.get(path)
        assert response.status_code == 404, path
        assert tenant.name not in response.content.decode()


@pytest.mark.parametrize("path, data", POSTS)
def test_anonymous_posts_go_to_the_login_page_and_change_nothing(portal_client, tenant, path, data):
    before = billing_snapshot(tenant)

    response = portal_client("anonymous").post(path, data)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert billing_snapshot(tenant) == before


def test_anonymous_reads_go_to_the_login_page(portal_client, invoice):
    client = portal_client("anonymous")

    for path, _ in _pages(invoice.public_id):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/login/?next=")


def test_a_post_without_the_csrf_token_is_refused(tenant, owner):
    from django.test import Client

    from core.testing import host_of

    client = Client(HTTP_HOST=host_of(tenant), enforce_csrf_checks=True)
    client.force_login(owner)
    before = billing_snapshot(tenant)

    response = client.post("/billing/plan/", {"plan": "business", "confirm": "yes"})

    assert response.status_code == 403
    assert billing_snapshot(tenant) == before


def test_resume_is_post_only(portal_client):
    assert portal_client("owner").get("/billing/resume/").status_code == 405
