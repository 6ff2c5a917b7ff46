"""The playground in a real browser (Debian's chromium through Playwright) against a uvicorn
server: the member starts it, Swagger UI (vendored sidecar assets, no inline script, under the
portal's Content-Security-Policy) is pre-authorised with the playground key, "Try it out" on
GET /v1/me answers 200 from the sandbox, and GraphiQL at /v1/graphql opens with the same key in
its headers. Also the guides at 375 px. No request leaves the host, no console error."""

import pytest

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

EMAIL = "browser-docs@alpha.test"


@pytest.fixture(scope="module")
def server(_session_tenants, tmp_path_factory):
    directory = tmp_path_factory.mktemp("portal-docs")
    with live_server(log_dir=directory, mail_dir=directory / "mail") as port:
        yield port


@pytest.fixture(scope="module")
def developer_session(_session_tenants, django_db_blocker):
    """A committed developer of alpha with a session cookie; their keys are removed after."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from apikeys.models import ApiKey
    from tenants.models import Membership, User

    with django_db_blocker.unblock():
        User.objects.filter(email=EMAIL).delete()
        user = User.objects.create_user(email=EMAIL, password="unused-here-1")
        Membership.objects.create(user=user, tenant=_session_tenants[0], role="developer")
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
    yield session.session_key
    with django_db_blocker.unblock():
        ApiKey.objects.filter(created_by__email=EMAIL).delete()
        SessionStore(session_key=session.session_key).delete()
        User.objects.filter(email=EMAIL).delete()


def _page(chrome, host, session, width=1280):
    page = page_open(chrome, allowed_hosts={host}, viewport=(width, 900))
    page.context.add_cookies([{"name": "sessionid", "value": session, "url": f"http://{host}"}])
    page.failed_responses = []
    page.on(
        "response",
        lambda r: page.failed_responses.append(f"{r.status} {r.url}") if r.status >= 400 else None,
    )
    return page


def test_swagger_is_pre_authorised_and_try_it_out_calls_the_sandbox(
    server, developer_session, _session_tenants
):
    host = f"{host_of(_session_tenants[0])}:{server}"
    with browser() as chrome:
        page = _page(chrome, host, developer_session)
        page.goto(f"http://{host}/guide/playground/")
        page.click("#playground-start button[type=submit]")
        page.locator('#swagger-ui[data-authorized="true"]').wait_for(timeout=30_000)
        secret = page.evaluate(
            "JSON.parse(document.getElementById('playground-config').textContent).key"
        )
        authorized = page.evaluate("window.openchancePlayground.authSelectors.authorized().toJS()")

        me = page.locator(".opblock-get:has(.opblock-summary-path[data-path='/v1/me'])").first
        me.locator(".opblock-summary").click()
        me.locator("button.execute").click()
        status = me.locator(".live-responses-table .response .response-col_status").first
        status.wait_for(timeout=30_000)
        body = me.locator(".live-responses-table .microlight, .live-responses-table pre").first
        body_text = body.inner_text()
        screenshot(page, "docs-playground")

        assert secret.startswith("oc_test_")
        assert authorized["bearerAuth"]["value"] == secret
        assert status.inner_text().strip().startswith("200")
        assert '"livemode": false' in body_text and '"object": "me"' in body_text
        assert page.evaluate("localStorage.getItem('authorized')") is None  # not persisted

        # GraphiQL, same tab: the key is in its headers editor
        page.click("#open-graphiql")
        page.wait_for_url(f"http://{host}/v1/graphql")
        page.locator(".graphiql-container").wait_for(timeout=30_000)
        stored = page.evaluate("sessionStorage.getItem('openchance:graphiql:key')")
        page.get_by_text("Headers", exact=True).first.click()
        headers_text = page.locator(".graphiql-editor-tool").inner_text()
        screenshot(page, "docs-graphiql")

        assert stored == secret
        assert secret in headers_text.replace("\n", "")
        assert page.failed_responses == []
        assert_no_off_host_requests(page)
        assert_no_console_errors(page)


@pytest.mark.parametrize("path", ["/guide/", "/guide/webhooks/", "/guide/graphql/"])
def test_guides_fit_375_px(server, developer_session, _session_tenants, path):
    host = f"{host_of(_session_tenants[0])}:{server}"
    with browser() as chrome:
        page = _page(chrome, host, developer_session, width=375)
        page.goto(f"http://{host}{path}")
        page.locator("article.doc h2, article.doc ul").first.wait_for()
        name = path.strip("/").replace("/", "-")
        screenshot(page, f"docs-{name}-375")

        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert_no_off_host_requests(page)
        assert_no_console_errors(page)


def test_redoc_shows_the_code_samples(server, _session_tenants):
    host = f"{host_of(_session_tenants[0])}:{server}"
    with browser() as chrome:
        page = page_open(chrome, allowed_hosts={host})
        page.blocked = []
        page.on("requestfailed", lambda r: page.blocked.append((r.url, r.failure)))
        page.goto(f"http://{host}/docs/redoc/")
        page.get_by_role("tab", name="curl").first.wait_for(timeout=60_000)
        tabs = page.get_by_role("tab").all_inner_texts()
        screenshot(page, "docs-redoc")

        for label in ("curl", "Python", "JavaScript", "Go", "Ruby", "PHP", "Java", "C#"):
            assert label in tabs, label
        # Redoc's own logo (cdn.redoc.ly) is refused by templates/docs/redoc.html's img-src:
        # the browser blocks it before any request leaves.
        blocked = {url for url, failure in page.blocked if failure == "csp"}
        sent = [u for u in page.off_host_requests if not u.startswith("blob:") and u not in blocked]
        assert sent == []
        assert "https://cdn.redoc.ly/redoc/logo-mini.svg" in blocked
