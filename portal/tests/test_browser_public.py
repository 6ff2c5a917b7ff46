"""The public site, the account pages and the members page in a real browser at desktop width
and at 375 px: no request off the host, no console error (so no CSP violation), no horizontal
scrolling, and the pricing calculator recomputing as one types (static/js/pricing.js, the same
numbers as the server's). Screenshots in .artifacts/screenshots/."""

import pytest
from django.conf import settings

from core.testing import host_of
from portal.testing import (
    assert_no_console_errors,
    assert_no_off_host_requests,
    browser,
    live_server,
    page_open,
    screenshot,
)

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

EMAIL = "browser-members@alpha.test"


@pytest.fixture(scope="module")
def server(_session_tenants, tmp_path_factory):
    directory = tmp_path_factory.mktemp("portal-public")
    with live_server(log_dir=directory, mail_dir=directory / "mail") as port:
        yield port


@pytest.fixture(scope="module")
def owner_session(_session_tenants, django_db_blocker):
    """A committed owner of alpha with a session cookie the browser can carry."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from tenants.models import Membership, User

    with django_db_blocker.unblock():
        user = User.objects.create_user(email=EMAIL, password="unused-here-1")
        Membership.objects.create(user=user, tenant=_session_tenants[0], role="owner")
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
    yield session.session_key
    with django_db_blocker.unblock():
        SessionStore(session_key=session.session_key).delete()
        User.objects.filter(email=EMAIL).delete()


def _no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize(
    ("path", "name", "selector"),
    [
        ("/", "landing", "text=Start free"),
        ("/pricing/", "pricing", "#calculator"),
        ("/signup/", "signup", "#id_slug"),
        ("/accounts/login/", "login", "text=Forgotten your password?"),
        ("/find-workspace/", "find-workspace", "#id_email"),
    ],
)
def test_public_pages(server, path, name, selector, width):
    public = f"{settings.BASE_DOMAIN}:{server}"
    with browser() as chrome:
        page = page_open(chrome, allowed_hosts={public}, viewport=(width, 800))

        page.goto(f"http://{public}{path}")
        page.locator(selector).first.wait_for()
        screenshot(page, f"public-{name}-{width}")

        assert _no_horizontal_scroll(page)
        assert_no_off_host_requests(page)
        assert_no_console_errors(page)


def test_the_calculator_recomputes_as_one_types(server):
    public = f"{settings.BASE_DOMAIN}:{server}"
    with browser() as chrome:
        page = page_open(chrome, allowed_hosts={public})
        page.goto(f"http://{public}/pricing/")

        page.get_by_label("API calls per month").fill("150000")

        pro = page.locator('tr[data-plan="pro"]')
        assert pro.locator("[data-cost]").inner_text() == "$99.00 / month"
        assert pro.locator("[data-cheapest]").count() == 1
        free = page.locator('tr[data-plan="free"] [data-cost]').inner_text()
        assert free == "Over the hard cap"
        page.get_by_label("API calls per month").fill("500")
        assert page.locator('tr[data-plan="free"] [data-cheapest]').count() == 1
        assert pro.locator("[data-cheapest]").count() == 0
        assert_no_console_errors(page)


def test_signup_suggests_and_checks_the_workspace_address(server):
    public = f"{settings.BASE_DOMAIN}:{server}"
    with browser() as chrome:
        page = page_open(chrome, allowed_hosts={public})
        page.goto(f"http://{public}/signup/")

        page.get_by_label("Organisation name").fill("Alpha")
        page.locator('#slug-status[data-status="taken"]').wait_for()
        assert page.get_by_label("Workspace address").input_value() == "alpha"
        page.get_by_label("Workspace address").fill("Not valid!")
        page.locator('#slug-status[data-status="invalid"]').wait_for()
        page.get_by_label("Workspace address").fill("free-name-here")
        page.locator('#slug-status[data-status="available"]').wait_for()
        assert_no_console_errors(page)


@pytest.mark.parametrize("width", [1280, 375])
def test_the_members_page(server, owner_session, _session_tenants, width):
    origin_host = f"{host_of(_session_tenants[0])}:{server}"
    with browser() as chrome:
        page = page_open(chrome, allowed_hosts={origin_host}, viewport=(width, 800))
        page.context.add_cookies(
            [{"name": "sessionid", "value": owner_session, "url": f"http://{origin_host}"}]
        )

        page.goto(f"http://{origin_host}/members/")
        page.locator("#invite-title").wait_for()
        screenshot(page, f"portal-members-{width}")

        assert EMAIL in page.content()
        assert _no_horizontal_scroll(page)
        assert_no_off_host_requests(page)
        assert_no_console_errors(page)
