"""Sign-up on the public host, end to end with the Django test client: account and organisation
created together, the verification email, the one-time link into the new portal (once only),
the sandbox key shown there working against the API."""

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import mail
from django.test import Client

from apikeys.models import ApiKey
from portal.tests.support import host_in, links_in_last_mail, path_of
from tenants.models import Membership, Tenant, User

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-and-unusual-passphrase-42"


def _signup(client: Client, **overrides):
    data = {
        "organisation_name": "Gamma Labs",
        "slug": "gamma-labs",
        "email": "founder@gamma.test",
        "password1": PASSWORD,
        **overrides,
    }
    return client.post("/signup/", data)


def test_signup_end_to_end(public_client):
    # when: the form is sent
    response = _signup(public_client)

    # then: account and organisation exist, on the Free plan, and verification is pending
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    tenant = Tenant.objects.get(slug="gamma-labs", mode="live")
    assert tenant.plan.code == "free" and tenant.name == "Gamma Labs"
    owner = User.objects.get(email="founder@gamma.test")
    assert Membership.objects.get(tenant=tenant).user == owner
    assert Membership.objects.get(tenant=tenant).role == "owner"
    assert owner.check_password(PASSWORD)
    assert not EmailAddress.objects.get(user=owner).verified
    assert not ApiKey.objects.filter(tenant=tenant).exists()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["founder@gamma.test"]

    # when: the link of the email is opened and confirmed (a POST: link scanners only GET)
    confirm_url = next(
        link for link in links_in_last_mail("founder@gamma.test") if "confirm-email" in link
    )
    assert host_in(confirm_url) == settings.BASE_DOMAIN
    assert public_client.get(path_of(confirm_url)).status_code == 200
    confirmed = public_client.post(path_of(confirm_url))

    # then: verified, logged in here, and sent on into the new workspace through a one-time link
    assert EmailAddress.objects.get(user=owner).verified
    assert confirmed.status_code == 302 and confirmed["Location"] == "/signup/continue/"
    onward = public_client.get("/signup/continue/")
    assert onward.status_code == 302
    handoff = onward["Location"]
    assert host_in(handoff) == f"gamma-labs.{settings.BASE_DOMAIN}"

    # when: the portal host opens the link
    portal = Client(HTTP_HOST=host_in(handoff))
    welcome = portal.get(path_of(handoff))

    # then: logged in there, a sandbox key shown once with a first call to copy
    assert welcome.status_code == 200
    assert welcome["Cache-Control"] == "no-store"
    secret = welcome.context["secret"]
    assert secret.startswith("oc_test_") and secret in welcome.content.decode()
    assert f"curl http://gamma-labs.{settings.BASE_DOMAIN}/v1/me" in welcome.content.decode()
    key = ApiKey.objects.get(tenant=tenant)
    assert key.mode == "test" and key.created_by == owner
    assert portal.get("/").status_code == 200

    # and the key works against the API of the new tenant's sandbox
    me = Client(HTTP_HOST=host_in(handoff), HTTP_AUTHORIZATION=f"Bearer {secret}").get("/v1/me")
    assert me.status_code == 200, me.content
    assert me.json()["key"]["mode"] == "test" and me.json()["tenant"]["id"] == "gamma-labs"

    # and the one-time link is refused the second time, in any browser
    replay = Client(HTTP_HOST=host_in(handoff)).get(path_of(handoff))
    assert replay.status_code == 400
    assert "already been used" in replay.content.decode()
    assert ApiKey.objects.filter(tenant=tenant).count() == 1


def test_a_handoff_link_only_works_on_its_own_tenants_host(public_client, tenant):
    _signup(public_client)
    confirm_url = next(
        link for link in links_in_last_mail("founder@gamma.test") if "confirm-email" in link
    )
    public_client.post(path_of(confirm_url))
    handoff = public_client.get("/signup/continue/")["Location"]

    # when: the token is presented on another tenant's host
    response = Client(HTTP_HOST=f"{tenant.slug}.{settings.BASE_DOMAIN}").get(path_of(handoff))

    # then: refused, nobody logged in, no key issued
    assert response.status_code == 400
    assert "_auth_user_id" not in response.wsgi_request.session
    assert not ApiKey.objects.filter(tenant__slug="gamma-labs").exists()


@pytest.mark.parametrize(
    "token", ["nonsense", "eyJ1Ijo.forged.signature", "a" * 300], ids=["garbage", "forged", "long"]
)
def test_a_bad_handoff_token_is_refused(tenant, token):
    response = Client(HTTP_HOST=f"{tenant.slug}.{settings.BASE_DOMAIN}").get(f"/handoff/{token}/")

    assert response.status_code == 400
    assert "not valid" in response.content.decode()


def test_an_expired_handoff_token_is_refused(tenant, owner, settings):
    from portal.handoff import handoff_token

    token = handoff_token(user=owner, tenant=tenant)
    settings.PORTAL_HANDOFF_MAX_AGE = -1

    response = Client(HTTP_HOST=f"{tenant.slug}.{settings.BASE_DOMAIN}").get(f"/handoff/{token}/")

    assert response.status_code == 400 and "expired" in response.content.decode()


@pytest.mark.parametrize(
    ("slug", "error"),
    [
        ("alpha", "is taken"),
        ("www", "is reserved"),
        ("Bad Slug!", "Invalid slug"),
        ("-x", "Invalid slug"),
    ],
)
def test_a_refused_slug_creates_nothing(public_client, tenant, slug, error):
    response = _signup(public_client, slug=slug)

    assert response.status_code == 200
    assert error in response.content.decode()
    assert not User.objects.filter(email="founder@gamma.test").exists()
    assert not Tenant.objects.filter(name="Gamma Labs").exists()
    assert mail.outbox == []


def test_a_weak_password_creates_nothing(public_client):
    response = _signup(public_client, password1="password")

    assert response.status_code == 200
    assert "too common" in response.content.decode()
    assert not Tenant.objects.filter(slug="gamma-labs").exists()


def test_signing_up_with_an_existing_email_reveals_nothing_and_creates_nothing(
    public_client, owner
):
    response = _signup(public_client, email=owner.email)

    # the same "check your email" answer as a new address; the owner is told by email
    assert response.status_code == 302 and response["Location"] == "/accounts/confirm-email/"
    assert not Tenant.objects.filter(slug="gamma-labs").exists()
    assert [message.to for message in mail.outbox] == [[owner.email]]


@pytest.mark.parametrize(
    ("slug", "status"),
    [("fresh-name", "available"), ("alpha", "taken"), ("api", "invalid"), ("9x", "invalid")],
)
def test_the_slug_check_answers_available_taken_or_invalid(public_client, tenant, slug, status):
    response = public_client.get("/signup/slug/", {"slug": slug}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert f'data-status="{status}"' in response.content.decode()


def test_signup_is_rate_limited_with_a_clear_page(public_client, settings):
    settings.PORTAL_SIGNUP_RATE = "2/h"
    for _ in range(2):
        _signup(public_client, slug="bad slug")

    response = _signup(public_client, slug="gamma-labs")

    assert response.status_code == 429
    assert "Too many sign-ups" in response.content.decode()
    assert int(response["Retry-After"]) > 0
    assert not Tenant.objects.filter(slug="gamma-labs").exists()


def test_confirming_in_another_browser_verifies_and_offers_to_log_in(public_client):
    _signup(public_client)
    confirm_url = next(
        link for link in links_in_last_mail("founder@gamma.test") if "confirm-email" in link
    )

    other_browser = Client(HTTP_HOST=settings.BASE_DOMAIN)
    response = other_browser.post(path_of(confirm_url))

    assert response.status_code == 302 and response["Location"] == "/verified/"
    assert EmailAddress.objects.get(email="founder@gamma.test").verified
    assert "_auth_user_id" not in other_browser.session
    assert "Your email is confirmed" in other_browser.get("/verified/").content.decode()
    # and logging in there goes on to the workspaces, one of which is the new one
    assert (
        other_browser.post(
            "/accounts/login/", {"login": "founder@gamma.test", "password": PASSWORD}
        )["Location"]
        == "/workspaces/"
    )
    assert "Gamma Labs" in other_browser.get("/workspaces/").content.decode()


def test_a_handoff_link_is_refused_once_the_member_was_removed(tenant, owner, settings):
    from portal.handoff import handoff_token
    from tenants.models import Membership

    second = User.objects.create_user(email="second@alpha.test")
    membership = Membership.objects.create(user=second, tenant=tenant, role="viewer")
    token = handoff_token(user=second, tenant=tenant)
    membership.delete()

    response = Client(HTTP_HOST=f"{tenant.slug}.{settings.BASE_DOMAIN}").get(f"/handoff/{token}/")

    assert response.status_code == 400
    assert "_auth_user_id" not in response.wsgi_request.session
