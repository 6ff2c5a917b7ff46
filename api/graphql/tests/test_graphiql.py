"""GraphiQL at /v1/graphql: served to browsers from vendored assets (no CDN, no inline script),
and working in a real browser against the API."""

import re

import pytest

from api.graphql.tests.support import GRAPHQL
from api.testing import uvicorn_server
from core.testing import host_of

pytestmark = pytest.mark.django_db


def test_a_browser_gets_the_page_from_vendored_assets_without_a_key(tenant_client):
    response = tenant_client.get(GRAPHQL, headers={"Accept": "text/html,*/*;q=0.8"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    scripts = re.findall(r'<script src="([^"]+)"></script>', page)
    assert scripts == [
        "/static/vendor/react.production.min.js",
        "/static/vendor/react-dom.production.min.js",
        "/static/vendor/graphiql.min.js",
        "/static/graphql/graphiql.js",
    ]
    assert "<script>" not in page and "http" not in page.replace('lang="en"', "")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    for script in scripts:
        assert tenant_client.get(script).status_code == 200


def test_api_clients_still_get_json(api_client):
    response = api_client.get(
        GRAPHQL, headers={"Accept": "application/json"}, data={"query": "{ me { object } }"}
    )
    assert response.json() == {"data": {"me": {"object": "me"}}}
    assert api_client.get(GRAPHQL).json()["errors"][0]["extensions"]["code"] == (
        "graphql_bad_request"
    )


@pytest.fixture(scope="module")
def server_port(_session_tenants, tmp_path_factory):
    """The platform in a real server process (uvicorn: HTTP and WebSockets)."""
    with uvicorn_server(log_dir=tmp_path_factory.mktemp("graphiql")) as base_url:
        yield int(base_url.rsplit(":", 1)[1])


@pytest.mark.slow
def test_graphiql_runs_a_query_in_a_browser(server_port, _session_tenants, _session_api_keys):
    playwright = pytest.importorskip("playwright.sync_api")
    tenant = _session_tenants[0]
    url = f"http://{host_of(tenant)}:{server_port}{GRAPHQL}"  # chromium resolves *.localhost
    with playwright.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        try:
            page = browser.new_page()
            elsewhere = []
            page.on(
                "request",
                lambda request: (
                    None
                    if request.url.startswith(f"http://{host_of(tenant)}:{server_port}/")
                    else elsewhere.append(request.url)
                ),
            )
            # The portal pre-fills the key this way (same origin; never in the URL).
            key = _session_api_keys["test"]
            page.add_init_script(f'sessionStorage.setItem("openchance:graphiql:key", "{key}")')
            page.goto(url)
            page.wait_for_selector(".graphiql-container", timeout=20_000)
            page.click(".graphiql-execute-button")
            page.wait_for_selector(".result-window:has-text('livemode')", timeout=20_000)
            result = page.inner_text(".result-window")
        finally:
            browser.close()
    assert '"livemode": false' in result  # the sandbox key's answer
    assert f'"id": "{tenant.slug}"' in result
    assert elsewhere == []  # nothing fetched from anywhere else
