"""Redaction of request and response excerpts kept in the error log.

Secrets never reach a log: API keys and webhook secrets anywhere in the text, and the values of
JSON fields whose names suggest a credential, are replaced with ``[redacted]``.
"""

import json
import re

from metering.records import EXCERPT_MAX_CHARS

REDACTED = "[redacted]"
_SECRET_PATTERN = re.compile(r"\b(?:oc_(?:live|test)_|whsec_|sk_|Bearer\s+)[A-Za-z0-9+/=_-]{6,}")
_SENSITIVE_FIELD = re.compile(
    r"pass|secret|token|api[_-]?key|authorization|credential|card|cvc|iban|ssn", re.I
)


def _redact_value(value):
    if isinstance(value, dict):
        return {
            key: REDACTED if _SENSITIVE_FIELD.search(str(key)) else _redact_value(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_redact_value(item) for item in value]
    if isinstance(value, str):
        return _SECRET_PATTERN.sub(REDACTED, value)
    return value


def excerpt_redact(raw: bytes | str | None) -> str:
    """A redacted, size-limited excerpt of a request or response body."""
    if not raw:
        return ""
    # Only the start is ever kept, so never parse more than a bounded prefix.
    raw = raw[: EXCERPT_MAX_CHARS * 32]
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    try:
        text = json.dumps(_redact_value(json.loads(text)), separators=(",", ":"))
    except ValueError:
        text = _SECRET_PATTERN.sub(REDACTED, text)
    if len(text) > EXCERPT_MAX_CHARS:
        text = text[: EXCERPT_MAX_CHARS - 1] + "…"
    return text
