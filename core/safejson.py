"""JSON from clients, parsed so that no input can crash a caller or poison what is stored.

Every JSON document a client sends — a REST body, a WebSocket frame, a cursor — goes through
``json_loads_safe``. It answers ``UnsafeJsonError`` (a ``ValueError``) instead of:

- ``RecursionError``: CPython's parser recurses once per nesting level, and every walker of the
  result after it (redaction, rendering, serializers) would too. Documents deeper than
  ``MAX_JSON_DEPTH`` are refused; the check walks the result with an explicit stack.
- strings PostgreSQL cannot store: a NUL (``\\u0000``) cannot live in ``text`` or ``jsonb``, and an
  unpaired surrogate (``"\\ud800"``) cannot be encoded as UTF-8 at all. Either one, in a key or a
  value, would turn into a 500 at the first write — or worse, in a batch written later for
  everyone (the usage flush). They are refused at the door.
- the non-standard constants ``NaN``, ``Infinity`` and ``-Infinity``, which no other JSON parser
  accepts back.
"""

import json
import re

MAX_JSON_DEPTH = 32
# Lone surrogates (paired ones never survive json.loads as two code points) and NUL.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class UnsafeJsonError(ValueError):
    pass


def _constant_refuse(name: str):
    raise UnsafeJsonError(f"{name} is not valid JSON.")


def json_loads_safe(text: str | bytes, *, max_depth: int = MAX_JSON_DEPTH):
    """Parse ``text``; raise ``UnsafeJsonError`` (see module) or ``ValueError`` when malformed."""
    try:
        value = json.loads(text, parse_constant=_constant_refuse)
    except RecursionError:
        raise UnsafeJsonError(f"JSON nested deeper than {max_depth} levels.") from None
    json_check_safe(value, max_depth=max_depth)
    return value


def json_check_safe(value, *, max_depth: int = MAX_JSON_DEPTH) -> None:
    """Raise ``UnsafeJsonError`` if ``value`` (parsed JSON) nests deeper than ``max_depth`` or holds
    a string PostgreSQL cannot store. Iterative: safe on any depth."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            _string_check(item)
        elif isinstance(item, dict | list):
            if depth > max_depth:
                raise UnsafeJsonError(f"JSON nested deeper than {max_depth} levels.")
            if isinstance(item, dict):
                for key, child in item.items():
                    _string_check(key)
                    stack.append((child, depth + 1))
            else:
                stack.extend((child, depth + 1) for child in item)


def _string_check(text: str) -> None:
    match = _UNSTORABLE.search(text)
    if match is not None:
        what = "a NUL character" if match.group() == "\x00" else "an unpaired UTF-16 surrogate"
        raise UnsafeJsonError(f"JSON strings may not contain {what} (\\u{ord(match.group()):04x}).")
