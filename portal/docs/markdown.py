"""A small Markdown-to-HTML conversion for API-CHANGELOG.md (no dependency): headings, paragraphs,
bullet lists (with indented continuation lines), fenced code blocks, inline code, bold and links.

Everything is escaped first; the only markup in the output is what this module writes. Links keep
only ``http(s)``, relative and ``#`` targets (a ``javascript:`` URL stays text). HTML comments
(``<!-- … -->``, e.g. the changelog's schema checksum) are dropped; any other HTML is shown as
text.
"""

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^(\s*)[-*+]\s+(.*)$")
_FENCE = re.compile(r"^\s*```")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_CODE = re.compile(r"(`+)(.+?)\1", re.S)
_LINK = re.compile(r"\[([^\]\n]+)\]\(([^)\s]+)\)")
_BOLD = re.compile(r"\*\*(.+?)\*\*", re.S)
_SAFE_URL = re.compile(r"^(https?://|/|#|\.{0,2}/|[\w.-]+(\.md|/)?(#[\w-]*)?$)", re.I)


def _text(text: str) -> str:
    """Escaped text with bold applied (``**`` survives escaping unchanged)."""
    return _BOLD.sub(r"<strong>\1</strong>", escape(text))


def _plain(text: str) -> str:
    """Links and bold in text holding no code span."""
    parts, last = [], 0
    for match in _LINK.finditer(text):
        parts.append(_text(text[last : match.start()]))
        label, url = match.group(1), match.group(2)
        if _SAFE_URL.match(url) and not url.lower().startswith(("javascript:", "data:")):
            parts.append(f'<a href="{escape(url)}">{_text(label)}</a>')
        else:
            parts.append(_text(match.group(0)))
        last = match.end()
    parts.append(_text(text[last:]))
    return "".join(parts)


def inline(text: str) -> str:
    """Inline Markdown of one block's text, as HTML."""
    parts, last = [], 0
    for match in _CODE.finditer(text):
        parts.append(_plain(text[last : match.start()]))
        parts.append(f"<code>{escape(match.group(2).strip())}</code>")
        last = match.end()
    parts.append(_plain(text[last:]))
    return "".join(parts)


def _heading_id(text: str, seen: dict[str, int]) -> str:
    base = slugify(_CODE.sub(r"\2", text)) or "section"
    seen[base] = seen.get(base, 0) + 1
    return base if seen[base] == 1 else f"{base}-{seen[base]}"


def markdown_to_html(source: str, *, heading_offset: int = 0) -> tuple[SafeString, list[dict]]:
    """(the HTML, the headings as ``{"level", "id", "text"}``) of ``source``. ``level`` is the
    Markdown's; the HTML's is ``heading_offset`` deeper (at most 6), to sit under a page's h1."""
    lines = _COMMENT.sub("", source).splitlines()
    html: list[str] = []
    headings: list[dict] = []
    seen: dict[str, int] = {}
    paragraph: list[str] = []
    items: list[str] = []  # the current list's items (text, continuation lines joined)
    index = 0

    def flush() -> None:
        if paragraph:
            html.append(f"<p>{inline(' '.join(paragraph))}</p>")
            paragraph.clear()
        if items:
            html.append("<ul>" + "".join(f"<li>{inline(item)}</li>" for item in items) + "</ul>")
            items.clear()

    while index < len(lines):
        line = lines[index]
        index += 1
        if _FENCE.match(line):
            flush()
            code = []
            while index < len(lines) and not _FENCE.match(lines[index]):
                code.append(lines[index])
                index += 1
            index += 1  # the closing fence
            html.append(f"<pre><code>{escape(chr(10).join(code))}</code></pre>")
            continue
        if not line.strip():
            flush()
            continue
        heading = _HEADING.match(line)
        if heading:
            flush()
            level, text = len(heading.group(1)), heading.group(2)
            anchor = _heading_id(text, seen)
            headings.append({"level": level, "id": anchor, "text": _CODE.sub(r"\2", text)})
            tag = f"h{min(6, level + heading_offset)}"
            html.append(f'<{tag} id="{anchor}">{inline(text)}</{tag}>')
            continue
        bullet = _BULLET.match(line)
        if bullet:
            if paragraph:
                flush()
            items.append(bullet.group(2).strip())
            continue
        if items and line.startswith((" ", "\t")):
            items[-1] += " " + line.strip()
            continue
        if items:
            flush()
        paragraph.append(line.strip())
    flush()
    return mark_safe("\n".join(html)), headings  # noqa: S308 - built from escaped parts only
