"""The data pages in a real browser (Debian's chromium through Playwright) against a uvicorn
server on the test database: each page loads with no request off the host and no console error
(so no Content-Security-Policy violation), the usage chart is drawn by the vendored Chart.js, a
key created in the browser shows its secret once with a working copy button, and the pages are
usable at 375 px. Screenshots go to .artifacts/screenshots/ (git-ignored)."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from api.testing import uvicorn_server
from core.testing import host_of

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

SCREENSHOTS = Path(settings.BASE_DIR) / ".artifacts" / "screenshots"
EMAIL = "browser-pages@alpha.test"
KEY_ID = "key_BROWSERPAGES"


@pytest.fixture(scope="module")
def committed(_session_tenants, django_db_blocker):
    """A committed admin of alpha with a session, sandbox ledger rows and a failed call in the
    sandbox's request log — what the server process reads — removed afterwards."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from apikeys.models import ApiKey
    from metering.models import UsageMinute
    from requestlog.models import RequestLog
    from tenants.models import Membership, User

    alpha = _session_tenants[0]
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    with django_db_blocker.unblock():
        user = User.objects.create_user(email=EMAIL, password="unused-here-1")
        Membership.objects.create(user=user, tenant=alpha, role=Membership.Role.ADMIN)
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        for hours in range(24):
            UsageMinute.objects.create(
                tenant=alpha, api_key_id=KEY_ID, mode="test", minute=now - timedelta(hours=hours),
                method="GET", route="/v1/me", status=200 if hours % 5 else 404,
                is_billable=False, calls=10 + hours, duration_ms_total=50.0, duration_ms_max=9.0,
            )  # fmt: skip
        connection.set_tenant(alpha.sandbox)
        log = RequestLog.objects.create(
            request_id="req_" + "b" * 32, api_key_id=KEY_ID, method="POST", route="/v1/challenges",
            path="/v1/challenges", status=400, duration_ms=3.5, request_bytes=20,
            response_bytes=80, created_at=now, request_excerpt='{"password": "[redacted]"}',
            response_excerpt='{"code": "validation_error"}',
        )  # fmt: skip
        connection.set_schema_to_public()
    yield {"session": session.session_key, "tenant": alpha, "log": log}
    with django_db_blocker.unblock():
        connection.set_tenant(alpha.sandbox)
        RequestLog.objects.filter(pk=log.pk).delete()
        connection.set_schema_to_public()
        UsageMinute.objects.filter(api_key_id=KEY_ID).delete()
        ApiKey.objects.filter(created_by__email=EMAIL).delete()
        SessionStore(session_key=session.session_key).delete()
        User.objects.filter(email=EMAIL).delete()


@pytest.fixture(scope="module")
def server(committed, tmp_path_factory):
    with uvicorn_server(log_dir=tmp_path_factory.mktemp("portal-pages")) as base_url:
        yield int(base_url.rsplit(":", 1)[1])


@pytest.fixture
def browser_page(committed, server):
    playwright = pytest.importorskip("playwright.sync_api")
    origin = f"http://{host_of(committed['tenant'])}:{server}"
    with playwright.sync_playwright() as driver:
        browser = driver.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-background-networking", "--disable-component-update"],
        )
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            context.grant_permissions(["clipboard-read", "clipboard-write"], origin=origin)
            context.add_cookies(
                [{"name": "sessionid", "value": committed["session"], "url": origin}]
            )
            page = context.new_page()
            page.off_host, page.console_errors = [], []
            page.on(
                "request",
                lambda r: None if r.url.startswith(origin + "/") else page.off_host.append(r.url),
            )
            page.on(
                "console",
                lambda m: page.console_errors.append(m.text) if m.type == "error" else None,
            )
            page.origin = origin
            yield page
        finally:
            browser.close()


def _shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"portal-pages-{name}.png"), full_page=True)


@pytest.mark.parametrize(
    "path, name, selector",
    [
        ("/", "dashboard", "#quickstart-heading"),
        ("/keys/", "keys", "#audit"),
        ("/logs/", "logs", "#logs-table"),
        ("/logs/req_" + "b" * 32 + "/", "log-detail", "#response-excerpt"),
        ("/webhooks/", "webhooks", "#no-endpoints, #endpoints-table"),
        ("/webhooks/new/", "webhook-new", "form"),
    ],
)
def test_each_page_loads_from_the_host_only_without_errors(browser_page, path, name, selector):
    response = browser_page.goto(browser_page.origin + path)

    assert response.status == 200
    browser_page.wait_for_selector(selector)
    _shot(browser_page, name)
    browser_page.set_viewport_size({"width": 375, "height": 800})
    _shot(browser_page, f"{name}-375")
    overflow = browser_page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    offenders = browser_page.evaluate(
        """[...document.querySelectorAll('body *')].filter(e => {
          if (e.getBoundingClientRect().right <= 376) return false;
          for (let p = e.parentElement; p; p = p.parentElement) {
            if (getComputedStyle(p).overflowX !== 'visible') return false;
          }
          return true;
        }).slice(0, 8).map(e => e.tagName + '#' + e.id + '.' + e.className + ' '
          + Math.round(e.getBoundingClientRect().right))"""
    )
    assert overflow <= 1, offenders
    assert browser_page.off_host == [] and browser_page.console_errors == []


def test_the_usage_chart_is_drawn(browser_page):
    browser_page.goto(browser_page.origin + "/usage/?bucket=hour")

    browser_page.wait_for_function(
        "window.Chart && Chart.getChart(document.getElementById('usage-chart'))"
    )
    points = browser_page.evaluate(
        "Chart.getChart(document.getElementById('usage-chart')).data.datasets[0].data"
    )
    _shot(browser_page, "usage")
    assert sum(points) == sum(10 + hours for hours in range(24))
    assert browser_page.off_host == [] and browser_page.console_errors == []


def test_a_key_created_in_the_browser_is_shown_once_and_copies(browser_page):
    page = browser_page
    page.goto(page.origin + "/keys/new/")
    page.fill("#id_name", "made in a browser")
    page.select_option("#id_mode", "test")
    page.check("input[name=scopes][value='challenges:read']")
    page.click("main form button[type=submit]")

    secret = page.inner_text("#new-secret")
    page.click("button[data-copy-target=new-secret]")
    page.wait_for_selector("button[data-copy-target=new-secret]:has-text('Copied')")
    copied = page.evaluate("navigator.clipboard.readText()")
    _shot(page, "key-secret")
    page.goto(page.origin + "/keys/")

    assert secret.startswith("oc_test_") and copied == secret
    assert secret not in page.content() and "made in a browser" in page.content()
    assert page.off_host == [] and page.console_errors == []


def test_log_filters_swap_the_panel_with_htmx(browser_page):
    page = browser_page
    page.goto(page.origin + "/logs/")
    page.evaluate("window.sameDocument = true")

    page.fill("#id_status", "2xx")
    page.click("#logs-panel form button[type=submit]")
    page.wait_for_selector("#no-logs")
    empty_url = page.url
    page.fill("#id_status", "600")
    page.click("#logs-panel form button[type=submit]")
    page.wait_for_selector("#filter-errors")
    error_text = page.inner_text("#logs-panel form")
    page.fill("#id_status", "4xx")
    page.click("#logs-panel form button[type=submit]")
    page.wait_for_selector("#logs-table")

    assert page.evaluate("window.sameDocument") is True  # swapped, never reloaded
    assert "status=2xx" in empty_url and "status=4xx" in page.url
    assert "Use a status code" in error_text
    assert page.off_host == [] and [e for e in page.console_errors if "400" not in e] == []
