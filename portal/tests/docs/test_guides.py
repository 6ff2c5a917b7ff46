"""The guides (/guide/…): every guide renders for every role and is linked from the index and the
portal's Docs entry; anonymous visitors go to the login page, outsiders get 404; the facts that
come from code (GraphQL's limits) match it; the webhook verification code in the guide verifies
real signatures (webhooks.signing) and refuses forged, tampered and stale ones; the GraphQL
examples validate against the schema."""

import base64
import html
import json
import re
import shutil
import subprocess
import time

import pytest

from portal.docs.views import GRAPHQL_LIMITS, GUIDES

pytestmark = pytest.mark.django_db

SLUGS = [slug for slug, _, _ in GUIDES]


def _code(content: str, element_id: str) -> str:
    match = re.search(rf'<code id="{element_id}">(.*?)</code>', content, re.S)
    assert match, element_id
    return html.unescape(match.group(1))


@pytest.mark.parametrize("role", ["owner", "admin", "developer", "viewer"])
def test_the_index_links_every_guide_and_each_renders(portal_client, role):
    client = portal_client(role)

    index = client.get("/guide/")

    assert index.status_code == 200
    content = index.content.decode()
    for slug, title, _ in GUIDES:
        assert f'href="/guide/{slug}/"' in content, slug
        page = client.get(f"/guide/{slug}/")
        assert page.status_code == 200, slug
        assert f"<h1>{html.escape(title)}</h1>" in page.content.decode(), slug
    assert 'href="/guide/playground/"' in content and 'href="/guide/changelog/"' in content
    assert 'href="/docs/redoc/"' in content


def test_the_portal_nav_docs_entry_leads_to_the_guides(portal_client):
    dashboard = portal_client("developer").get("/")

    assert re.search(r'<a href="/guide/"[^>]*>Docs</a>', dashboard.content.decode())


def test_an_unknown_guide_is_the_404_page(portal_client):
    response = portal_client("owner").get("/guide/no-such-guide/")

    assert response.status_code == 404


@pytest.mark.parametrize("path", ["/guide/", "/guide/webhooks/", "/guide/changelog/"])
def test_anonymous_visitors_are_sent_to_log_in_and_outsiders_get_404(portal_client, path):
    anonymous = portal_client("anonymous").get(path)
    outsider = portal_client("outsider").get(path)

    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert outsider.status_code == 404
    assert "Webhooks" not in outsider.content.decode()


def test_the_graphql_guide_states_the_limits_the_api_enforces(portal_client):
    from api.graphql.cost import MAX_INTROSPECTION_LIST_DEPTH
    from api.graphql.schema import MAX_ALIASES, MAX_DEPTH, MAX_EXPANDED_FIELDS, MAX_TOKENS
    from api.graphql.ws import MAX_SUBSCRIPTIONS

    content = portal_client("viewer").get("/guide/graphql/").content.decode()
    limits = re.search(r'<ul id="graphql-limits">(.*?)</ul>', content, re.S).group(1)

    assert GRAPHQL_LIMITS == {
        "tokens": MAX_TOKENS,
        "depth": MAX_DEPTH,
        "aliases": MAX_ALIASES,
        "fields": MAX_EXPANDED_FIELDS,
        "introspection_depth": MAX_INTROSPECTION_LIST_DEPTH,
        "subscriptions": MAX_SUBSCRIPTIONS,
    }
    assert [int(n) for n in re.findall(r"<strong>(\d+)</strong>", limits)] == [
        MAX_TOKENS, MAX_DEPTH, MAX_ALIASES, MAX_EXPANDED_FIELDS, MAX_INTROSPECTION_LIST_DEPTH,
    ]  # fmt: skip


def test_the_graphql_guides_documents_validate_against_the_schema(portal_client):
    from graphql import parse, validate

    from api.graphql.schema import schema

    content = html.unescape(portal_client("viewer").get("/guide/graphql/").content.decode())
    documents = [
        re.search(r"(query Page.*?\n\})", content, re.S).group(1),
        json.loads(re.search(r'"payload": (\{"query": "subscription.*?"\})\}', content).group(1))[
            "query"
        ],
        json.loads(re.search(r"-d '(\{\"query\".*?\})'", content).group(1))["query"],
    ]

    for document in documents:
        assert validate(schema._schema, parse(document)) == [], document


def _signed(secrets, body: bytes, *, timestamp: int | None = None) -> dict:
    from webhooks.signing import signed_headers

    return signed_headers(
        secrets_=secrets,
        message_id="evt_01TEST",
        timestamp=int(time.time()) if timestamp is None else timestamp,
        body=body,
    )


def test_the_python_verification_code_verifies_real_signatures(portal_client):
    from webhooks.signing import secret_generate

    source = _code(
        portal_client("viewer").get("/guide/webhooks/").content.decode(), "verify-python"
    )
    namespace: dict = {}
    exec(compile(source, "guide-verify-python", "exec"), namespace)  # noqa: S102 - our guide
    verify = namespace["verify_webhook"]
    secret, previous, stranger = secret_generate(), secret_generate(), secret_generate()
    body = b'{"id": "evt_01TEST", "type": "ping"}'

    assert verify(secret, _signed([secret], body), body) is True
    # during a rotation both secrets sign: either verifies
    assert verify(secret, _signed([secret, previous], body), body) is True
    assert verify(previous, _signed([secret, previous], body), body) is True
    assert verify(stranger, _signed([secret], body), body) is False
    assert verify(secret, _signed([secret], body), body + b" ") is False
    assert verify(secret, _signed([secret], body, timestamp=int(time.time()) - 600), body) is False


def test_the_javascript_verification_code_verifies_real_signatures(portal_client, tmp_path):
    from webhooks.signing import secret_generate

    node = shutil.which("node")
    if node is None:
        pytest.skip("node is missing")
    source = _code(portal_client("viewer").get("/guide/webhooks/").content.decode(), "verify-js")
    secret, stranger = secret_generate(), secret_generate()
    body = b'{"id": "evt_01TEST", "type": "ping"}'
    cases = {
        "good": (secret, _signed([secret], body), body),
        "rotated": (secret, _signed([stranger, secret], body), body),
        "stranger": (stranger, _signed([secret], body), body),
        "tampered": (secret, _signed([secret], body), body + b" "),
        "stale": (secret, _signed([secret], body, timestamp=int(time.time()) - 600), body),
    }
    runner = tmp_path / "verify.js"
    runner.write_text(
        source
        + "\nconst cases = "
        + json.dumps(
            {name: [s, h, base64.b64encode(b).decode()] for name, (s, h, b) in cases.items()}
        )
        + ";\nconst out = {};\nfor (const [name, [s, h, b]] of Object.entries(cases)) {\n"
        "  out[name] = verifyWebhook(s, h, Buffer.from(b, 'base64'));\n}\n"
        "console.log(JSON.stringify(out));\n"
    )

    completed = subprocess.run(  # noqa: S603 - node on our own file
        [node, str(runner)], capture_output=True, text=True, timeout=30, check=False
    )

    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout) == {
        "good": True, "rotated": True, "stranger": False, "tampered": False, "stale": False,
    }  # fmt: skip
