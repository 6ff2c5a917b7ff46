"""The API changelog page renders API-CHANGELOG.md: every heading, its bullets and code, with
anything that looks like HTML escaped (portal.docs.markdown)."""

import html
import re
from pathlib import Path

import pytest
from django.conf import settings

from portal.docs.markdown import markdown_to_html

CHANGELOG = Path(settings.BASE_DIR) / "API-CHANGELOG.md"


@pytest.mark.django_db
def test_the_page_renders_every_heading_of_the_changelog(portal_client):
    headings = [
        re.sub(r"`([^`]*)`", r"\1", line.lstrip("#").strip())
        for line in CHANGELOG.read_text().splitlines()
        if re.match(r"#{1,6} ", line)
    ]

    response = portal_client("viewer").get("/guide/changelog/")

    assert response.status_code == 200
    content = html.unescape(re.sub(r"<[^>]+>", "", response.content.decode()))
    rendered = html.unescape(response.content.decode())
    assert len(headings) >= 4
    for heading in headings:
        assert heading in content, heading
    releases = [h for h in headings if h.startswith("2026") or h[:4].isdigit()]
    for release in releases:
        assert re.search(r"<h3 id=\"[\w-]+\">" + re.escape(release), rendered), release
    assert "<!--" not in response.content.decode()  # the schema checksum comment is dropped
    assert response.content.decode().count("<li>") > 50


def test_headings_bullets_code_and_links():
    source = (
        "# Title\n\nIntro with `code` and **bold** and [a link](https://example.com/x?a=1&b=2).\n\n"
        "## 2026-12-01 — v1\n\n- first item\n  continued here\n- second `GET /v1/me`\n\n"
        "```\n<raw> & code\n```\n"
    )

    output, headings = markdown_to_html(source, heading_offset=1)

    assert [(h["level"], h["id"], h["text"]) for h in headings] == [
        (1, "title", "Title"),
        (2, "2026-12-01-v1", "2026-12-01 — v1"),
    ]
    assert '<h2 id="title">Title</h2>' in output
    assert '<h3 id="2026-12-01-v1">2026-12-01 — v1</h3>' in output
    assert "<code>code</code>" in output and "<strong>bold</strong>" in output
    assert '<a href="https://example.com/x?a=1&amp;b=2">a link</a>' in output
    assert "<ul><li>first item continued here</li><li>second <code>GET /v1/me</code></li></ul>" in (
        output
    )
    assert "<pre><code>&lt;raw&gt; &amp; code</code></pre>" in output


def test_html_in_the_source_is_shown_as_text_and_script_links_are_not_links():
    source = (
        "- <script>alert(1)</script> and <img src=x onerror=alert(1)>\n"
        "- [click](javascript:alert(1)) and `<b>`\n"
        '- [quote](https://example.com/"onmouseover="x)\n'
    )

    output, _ = markdown_to_html(source)

    assert "<script>" not in output and "<img" not in output
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in output
    assert 'href="javascript' not in output and "[click](javascript:alert(1))" in output
    assert "<code>&lt;b&gt;</code>" in output
    assert 'onmouseover="' not in output
