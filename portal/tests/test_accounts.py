"""Accounts (django-allauth, portal/accounts.py): email login on tenant and public hosts, per-host
sessions, the failed-login limit's 429 page, password reset, changing the email address,
logout, and MFA (TOTP enrolment, a login that asks for the code, recovery codes)."""

import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.core import mail
from django.test import Client

from conftest import PERSONA_PASSWORD
from core.testing import host_of
from portal.tests.support import host_in, links_in_last_mail, path_of

pytestmark = pytest.mark.django_db


def _login(client: Client, email: str, password: str = PERSONA_PASSWORD):
    return client.post("/accounts/login/", {"login": email, "password": password})


def _totp_now(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_email_login_on_the_tenant_host_opens_the_portal(tenant, owner, tenant_client):
    response = _login(tenant_client, owner.email)

    assert response.status_code == 302 and response["Location"] == "/"
    assert tenant_client.get("/").status_code == 200
    # an operator-provisioned account: its address counts as verified from the first login
    assert EmailAddress.objects.get(user=owner).verified


def test_a_session_belongs_to_one_host_only(tenant, other_tenant, owner, tenant_client):
    _login(tenant_client, owner.email)
    cookie = tenant_client.cookies[settings.SESSION_COOKIE_NAME]

    assert not cookie["domain"]  # a host-only cookie
    beta = Client(HTTP_HOST=host_of(other_tenant))
    beta.cookies[settings.SESSION_COOKIE_NAME] = cookie.value
    # even a stolen cookie replayed on another tenant's host is not a member there
    assert beta.get("/").status_code == 404


def test_a_wrong_password_is_refused(tenant, owner, tenant_client):
    response = _login(tenant_client, owner.email, "not-the-password")

    assert response.status_code == 200
    assert "not correct" in response.content.decode()
    assert tenant_client.get("/").status_code == 302


def test_too_many_failed_logins_get_a_clear_429_page(tenant, owner, tenant_client):
    for _ in range(5):
        assert _login(tenant_client, owner.email, "wrong").status_code == 200

    # then even the right password is refused for a while, with a page that says why
    response = _login(tenant_client, owner.email)

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Too many failed login attempts" in response.content.decode()
    assert tenant_client.get("/").status_code == 302


def test_login_on_the_public_host_lists_workspaces_that_open_once(
    tenant, owner, public_client, other_tenant
):
    response = _login(public_client, owner.email)
    assert response.status_code == 302 and response["Location"] == "/workspaces/"

    page = public_client.get("/workspaces/")
    assert "Alpha" in page.content.decode() and "Beta" not in page.content.decode()

    link = public_client.post(f"/workspaces/{tenant.slug}/open/")["Location"]
    assert host_in(link) == host_of(tenant)
    portal = Client(HTTP_HOST=host_of(tenant))
    assert portal.get(path_of(link))["Location"] == "/"
    assert portal.get("/").status_code == 200
    assert Client(HTTP_HOST=host_of(tenant)).get(path_of(link)).status_code == 400
    # a workspace one is not a member of cannot be opened
    assert public_client.post(f"/workspaces/{other_tenant.slug}/open/").status_code == 404


def test_password_reset(tenant, owner, tenant_client):
    tenant_client.post("/accounts/password/reset/", {"email": owner.email})
    reset_link = next(link for link in links_in_last_mail(owner.email) if "/reset/key/" in link)

    form_page = tenant_client.get(path_of(reset_link), follow=True)
    response = tenant_client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else path_of(reset_link),
        {"password1": "a-brand-new-passphrase-9", "password2": "a-brand-new-passphrase-9"},
    )

    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.check_password("a-brand-new-passphrase-9")


def test_password_reset_for_an_unknown_address_looks_the_same(tenant, tenant_client):
    response = tenant_client.post("/accounts/password/reset/", {"email": "nobody@nowhere.test"})

    assert response.status_code == 302 and response["Location"] == "/accounts/password/reset/done/"


def test_changing_the_email_address_needs_its_verification(tenant, owner, tenant_client):
    _login(tenant_client, owner.email)

    tenant_client.post("/accounts/email/", {"action_add": "", "email": "new-owner@alpha.test"})
    confirm = next(
        link for link in links_in_last_mail("new-owner@alpha.test") if "confirm-email" in link
    )
    owner.refresh_from_db()
    assert owner.email == "owner@alpha.test"  # not before the new address is confirmed
    tenant_client.post(path_of(confirm))

    owner.refresh_from_db()
    assert owner.email == "new-owner@alpha.test"
    assert EmailAddress.objects.get(user=owner).email == "new-owner@alpha.test"


def test_logout_is_a_post(tenant, owner, tenant_client):
    _login(tenant_client, owner.email)

    assert tenant_client.post("/accounts/logout/").status_code == 302
    assert tenant_client.get("/").status_code == 302


def test_mfa_enrolment_and_a_login_with_totp(tenant, owner, tenant_client):
    # given: logged in, the owner enrols an authenticator app
    _login(tenant_client, owner.email)
    page = tenant_client.get("/accounts/2fa/totp/activate/", follow=True)
    if page.redirect_chain:  # allauth asks for the password again before adding a factor
        assert "/accounts/reauthenticate/" in page.redirect_chain[-1][0]
        tenant_client.post(page.redirect_chain[-1][0], {"password": PERSONA_PASSWORD})
        page = tenant_client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    secret = page.context["form"].secret
    activated = tenant_client.post("/accounts/2fa/totp/activate/", {"code": _totp_now(secret)})
    assert activated.status_code == 302
    assert Authenticator.objects.filter(user=owner, type="totp").exists()
    codes_page = tenant_client.get("/accounts/2fa/recovery-codes/")
    recovery_codes = codes_page.context["unused_codes"]
    assert len(recovery_codes) == settings.MFA_RECOVERY_CODE_COUNT
    tenant_client.post("/accounts/logout/")

    # when: logging in again, the password alone is not enough
    browser = Client(HTTP_HOST=host_of(tenant))
    step = _login(browser, owner.email)
    assert step.status_code == 302 and step["Location"] == "/accounts/2fa/authenticate/"
    assert browser.get("/").status_code == 302
    wrong = browser.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert wrong.status_code == 200 and browser.get("/").status_code == 302

    # then: the current code logs in
    code = _totp_now(secret)
    done = browser.post("/accounts/2fa/authenticate/", {"code": code})
    assert done.status_code == 302
    assert browser.get("/").status_code == 200

    # and a code is good once: replayed in another login it is refused
    other = Client(HTTP_HOST=host_of(tenant))
    _login(other, owner.email)
    assert other.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 200
    assert other.get("/").status_code == 302

    # a recovery code works instead of the app, once
    third = Client(HTTP_HOST=host_of(tenant))
    _login(third, owner.email)
    assert third.post("/accounts/2fa/authenticate/", {"code": recovery_codes[0]}).status_code == 302
    assert third.get("/").status_code == 200


def test_account_pages_carry_the_site_look_and_no_inline_script(tenant, tenant_client):
    response = tenant_client.get("/accounts/login/")

    body = response.content.decode()
    assert response.status_code == 200
    assert "/static/css/site.css" in body and "<script>" not in body
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert mail.outbox == []


@pytest.mark.parametrize(
    "path", ["/accounts/email/", "/accounts/password/change/", "/accounts/2fa/"]
)
def test_account_settings_pages_need_no_inline_code(tenant, owner, tenant_client, path):
    import re

    _login(tenant_client, owner.email)

    response = tenant_client.get(path)

    body = response.content.decode()
    assert response.status_code == 200
    assert "/static/css/site.css" in body
    assert ' style="' not in body
    # every <script> either loads a file or is a JSON data block (never executed)
    for tag in re.findall(r"<script[^>]*>", body):
        assert "src=" in tag or 'type="application/json"' in tag, tag


def test_login_works_behind_our_proxy_on_a_unix_socket(tenant, owner, settings):
    # given: as under `make run` and in production — granian on a Unix socket behind nginx, so
    # no REMOTE_ADDR, and the client address in the X-Real-IP header nginx sets
    settings.RATELIMIT_IP_META_KEY = "HTTP_X_REAL_IP"
    client = Client(HTTP_HOST=host_of(tenant), REMOTE_ADDR="", HTTP_X_REAL_IP="203.0.113.7")

    # when
    response = _login(client, owner.email)

    # then: logged in (allauth's own lookup refused it with 403 "Unable to determine client IP")
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_login_without_any_client_address_is_refused(tenant, owner, settings):
    settings.RATELIMIT_IP_META_KEY = "HTTP_X_REAL_IP"
    client = Client(HTTP_HOST=host_of(tenant), REMOTE_ADDR="")

    assert _login(client, owner.email).status_code == 403
    assert client.get("/").status_code == 302  # not logged in
