"""A new visitor's journey in a real browser (chromium through Playwright) against a live
platform process: landing → sign-up (the slug checked live) → the verification email (read from
the server's mail files) → the new portal's welcome page with the sandbox key → a real API call
with that key. Every page loads with no request off the platform's hosts and no console error
(so no CSP violation); screenshots land in .artifacts/screenshots/. Prints the seconds from the
landing page to the first successful call."""

import secrets
import time

import httpx
import pytest
from django.conf import settings

from portal.testing import (
    assert_no_console_errors,
    assert_no_off_host_requests,
    browser,
    links_in_emails,
    live_server,
    page_open,
    screenshot,
)

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture
def journey(_session_tenants, django_db_blocker, tmp_path):
    """Who signs up, and the clean-up of what the server committed for them."""
    slug = f"journey-{secrets.token_hex(3)}"
    details = {"slug": slug, "email": f"{slug}@example.test", "mail_dir": tmp_path / "mail"}
    yield details
    from apikeys.models import ApiKey
    from tenants.models import Tenant, User
    from tenants.services import tenant_delete

    with django_db_blocker.unblock():
        tenant = Tenant.objects.filter(slug=slug, mode="live").first()
        if tenant is not None:
            ApiKey.objects.filter(tenant=tenant).delete()
            tenant_delete(tenant=tenant)
        User.objects.filter(email=details["email"]).delete()


def test_landing_to_first_call(journey, tmp_path, capsys):
    slug, address = journey["slug"], journey["email"]
    with live_server(log_dir=tmp_path, mail_dir=journey["mail_dir"]) as port, browser() as chrome:
        public = f"{settings.BASE_DOMAIN}:{port}"
        portal_host = f"{slug}.{settings.BASE_DOMAIN}:{port}"
        page = page_open(chrome, allowed_hosts={public, portal_host})

        # the landing page, then sign-up
        started = time.monotonic()
        page.goto(f"http://{public}/")
        screenshot(page, "signup-1-landing")
        page.get_by_role("link", name="Start free").click()
        page.get_by_label("Organisation name").fill("Journey Labs")
        page.get_by_label("Workspace address").fill(slug)
        page.locator('#slug-status[data-status="available"]').wait_for()
        page.get_by_label("Email").fill(address)
        page.get_by_label("Password").fill("a-long-and-unusual-passphrase-42")
        screenshot(page, "signup-2-form")
        page.get_by_role("button", name="Create workspace").click()
        page.wait_for_url("**/accounts/confirm-email/")
        screenshot(page, "signup-3-verification-sent")

        # the verification email, confirmed in the same browser
        links = [link for link in links_in_emails(journey["mail_dir"], to=address)]
        confirm = next(link for link in links if "/accounts/confirm-email/" in link)
        page.goto(confirm.replace(f"//{settings.BASE_DOMAIN}/", f"//{public}/"))
        screenshot(page, "signup-4-confirm")
        page.get_by_role("button", name="Confirm").click()

        # lands in the new portal, logged in, with a sandbox key shown once
        page.wait_for_url(f"http://{portal_host}/handoff/**")
        page.locator("#sandbox-key").wait_for()
        secret = page.locator("#sandbox-key").inner_text().strip()
        screenshot(page, "signup-5-welcome")
        assert secret.startswith("oc_test_")
        assert f"http://{portal_host}/v1/me" in page.locator("#first-call").inner_text()

        # the first call, as the page says to make it
        response = httpx.get(
            f"http://127.0.0.1:{port}/v1/me",
            headers={"Host": portal_host, "Authorization": f"Bearer {secret}"},
            timeout=10,
        )
        elapsed = time.monotonic() - started
        assert response.status_code == 200, response.text
        assert response.json()["tenant"]["id"] == slug
        assert response.json()["key"]["mode"] == "test"

        # and the portal's dashboard is there
        page.goto(f"http://{portal_host}/")
        screenshot(page, "signup-6-dashboard")
        assert "Journey Labs" in page.content()
        assert_no_off_host_requests(page)
        assert_no_console_errors(page)

    with capsys.disabled():
        print(f"\nlanding page to first successful API call: {elapsed:.1f} s")
