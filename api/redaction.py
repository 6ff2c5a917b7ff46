"""Redaction of request and response excerpts kept in the error log.

Secrets never reach a log: API keys and webhook secrets anywhere in the text, and the values of
JSON fields whose names suggest a credential, are replaced with ``[redacted]``.

``excerpt_redact`` runs in the gateway's after-path of every failed call, on whatever the client
sent, so it never raises and its cost is bounded whatever the input: it parses only a bounded
prefix, through ``core.safejson`` (no ``RecursionError``: deeper documents are not parsed), walks
at most ``_MAX_DEPTH`` levels, and what it returns holds no NUL and no unpaired surrogate (text
PostgreSQL can store). Bodies it does not parse as JSON — not JSON, cut off, too deep — are
redacted as text: secret patterns, and the string value of every ``"name": "value"`` member whose
name looks like a credential.
"""

import json
import logging
import re

from core.safejson import json_loads_safe
from metering.records import EXCERPT_MAX_CHARS

logger = logging.getLogger(__name__)

REDACTED = "[redacted]"
_SECRET_PATTERN = re.compile(r"\b(?:oc_(?:live|test)_|whsec_|sk_|Bearer\s+)[A-Za-z0-9+/=_-]{6,}")
_SENSITIVE_FIELD = re.compile(
    r"pass|secret|token|api[_-]?key|authorization|credential|card|cvc|iban|ssn", re.I
)
# A JSON member in text that did not parse: the name (at most 200 characters, so a long
# unterminated string cannot make the search quadratic) and a value that is a string (perhaps cut
# off by the end of the excerpt) or a bare token such as a number.
_JSON_MEMBER = re.compile(
    r'"((?:[^"\\]|\\.){0,200})"(\s*:\s*)(?:"(?:[^"\\]|\\.)*(?:"|\\?$)|[^\s,}\]"]+)'
)
# What PostgreSQL text cannot hold: NUL and (not encodable as UTF-8) unpaired surrogates.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# Client documents are refused deeper than core.safejson.MAX_JSON_DEPTH; ours are shallow.
_MAX_DEPTH = 64


def _redact_value(value, depth: int = 0):
    if depth > _MAX_DEPTH:  # unreachable for parsed input (bounded at parse time); kept as a guard
        return REDACTED
    if isinstance(value, dict):
        return {
            key: REDACTED if _SENSITIVE_FIELD.search(str(key)) else _redact_value(item, depth + 1)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_redact_value(item, depth + 1) for item in value]
    if isinstance(value, str):
        return _SECRET_PATTERN.sub(REDACTED, value)
    return value


def _member_redact(match: re.Match) -> str:
    name = match.group(1)
    if not _SENSITIVE_FIELD.search(name):
        return match.group(0)
    return f'"{name}"{match.group(2)}"{REDACTED}"'


def _text_redact(text: str) -> str:
    # Long enough that a secret straddling the final cut is still recognised whole.
    text = text[: EXCERPT_MAX_CHARS + 256]
    text = _JSON_MEMBER.sub(_member_redact, text)
    return _SECRET_PATTERN.sub(REDACTED, text)


def excerpt_redact(raw: bytes | str | None) -> str:
    """A redacted, size-limited excerpt of a request or response body; never raises."""
    if not raw:
        return ""
    try:
        return _excerpt(raw)
    except Exception:  # the after-path of a call must not fail because of its excerpt
        logger.exception("excerpt redaction failed; excerpt dropped")
        return ""


def _excerpt(raw: bytes | str) -> str:
    # Only the start is ever kept, so never parse more than a bounded prefix.
    raw = raw[: EXCERPT_MAX_CHARS * 32]
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    try:
        document = json_loads_safe(text, max_depth=_MAX_DEPTH)
    except (ValueError, RecursionError):
        text = _text_redact(text)
    else:
        # ensure_ascii: whatever the document held comes back as \\u escapes, never raw controls.
        text = json.dumps(_redact_value(document), separators=(",", ":"))
    text = _UNSTORABLE.sub("\ufffd", text)
    if len(text) > EXCERPT_MAX_CHARS:
        text = text[: EXCERPT_MAX_CHARS - 1] + "…"
    return text
