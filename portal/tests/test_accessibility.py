"""Accessibility of the main pages: axe-core (vendored, static/vendor/axe.min.js) run through
Playwright in Debian's chromium reports no serious or critical violation on the public site
(landing, pricing, sign-up, login) and the portal (dashboard, keys, usage, logs, webhooks,
members, the docs), at desktop width and at 375 px.

axe is injected by this test only, as a Playwright init script (which the pages'
Content-Security-Policy does not apply to); no page links it."""

from pathlib import Path

import pytest
from django.conf import settings

from core.testing import host_of
from portal.testing import browser, live_server, page_open, screenshot

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

AXE = Path(settings.BASE_DIR) / "static" / "vendor" / "axe.min.js"
EMAIL = "a11y-owner@alpha.test"
WIDTHS = (1280, 375)

PUBLIC_PAGES = (
    ("/", "landing"),
    ("/pricing/", "pricing"),
    ("/signup/", "signup"),
    ("/accounts/login/", "login"),
)
PORTAL_PAGES = (
    ("/", "dashboard"),
    ("/keys/", "keys"),
    ("/usage/", "usage"),
    ("/logs/", "logs"),
    ("/webhooks/", "webhooks"),
    ("/members/", "members"),
    ("/guide/", "guide"),
    ("/guide/webhooks/", "guide-webhooks"),
    ("/guide/changelog/", "changelog"),
)

# Serious and critical violations, with where they are (a few nodes each), as plain data.
AXE_RUN = """async () => {
  const result = await window.axe.run(document, {resultTypes: ["violations"]});
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({id: v.id, impact: v.impact, help: v.help,
                  nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" "))}));
}"""


@pytest.fixture(scope="module")
def server(_session_tenants, tmp_path_factory):
    directory = tmp_path_factory.mktemp("a11y")
    with live_server(log_dir=directory, mail_dir=directory / "mail") as port:
        yield port


@pytest.fixture
def chrome(db):
    """A browser per test, started after the test's database setup: Playwright's sync API runs
    an event loop, and Django refuses database calls made while one runs."""
    with browser() as launched:
        yield launched


@pytest.fixture(scope="module")
def owner_session(_session_tenants, django_db_blocker):
    """A committed owner of alpha with a session cookie the browser can carry."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from tenants.models import Membership, User

    with django_db_blocker.unblock():
        User.objects.filter(email=EMAIL).delete()
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


def _violations(chrome, url: str, *, width: int, host: str, cookie: str | None, name: str):
    page = page_open(chrome, allowed_hosts={host}, viewport=(width, 900))
    try:
        if cookie:
            page.context.add_cookies(
                [{"name": "sessionid", "value": cookie, "url": f"http://{host}"}]
            )
        page.add_init_script(path=str(AXE))
        response = page.goto(url)
        assert response.status == 200, url
        page.wait_for_load_state("networkidle")
        screenshot(page, f"a11y-{name}-{width}")
        return page.evaluate(AXE_RUN)
    finally:
        page.context.close()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(("path", "name"), PUBLIC_PAGES)
def test_public_pages_have_no_serious_accessibility_violation(chrome, server, path, name, width):
    host = f"{settings.BASE_DOMAIN}:{server}"

    violations = _violations(
        chrome, f"http://{host}{path}", width=width, host=host, cookie=None, name=name
    )

    assert violations == []


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(("path", "name"), PORTAL_PAGES)
def test_portal_pages_have_no_serious_accessibility_violation(
    server, owner_session, _session_tenants, chrome, path, name, width
):
    host = f"{host_of(_session_tenants[0])}:{server}"

    violations = _violations(
        chrome, f"http://{host}{path}", width=width, host=host, cookie=owner_session, name=name
    )

    assert violations == []


def test_axe_finds_a_violation_when_there_is_one(chrome, server):
    """The check can fail: an image without a text alternative is a critical violation."""
    host = f"{settings.BASE_DOMAIN}:{server}"
    page = page_open(chrome, allowed_hosts={host})
    try:
        page.add_init_script(path=str(AXE))
        page.goto(f"http://{host}/")
        page.evaluate(
            "() => { const img = document.createElement('img');"
            " img.src = '/static/img/favicon.svg';"
            " document.querySelector('main').appendChild(img); }"
        )
        violations = page.evaluate(AXE_RUN)
    finally:
        page.context.close()

    assert "image-alt" in [violation["id"] for violation in violations]
