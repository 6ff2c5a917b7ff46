"""The request-body parser of every /v1 view: JSON through ``core.safejson``, nothing else.

DRF's own ``JSONParser`` hands the body to ``json.load``, which accepts ``NaN``/``Infinity``,
strings PostgreSQL cannot store (NUL, unpaired surrogates — in keys as much as in values) and any
depth its C scanner survives; every walker of the result after it (serializers, redaction,
rendering) then recurses once per level and can die with ``RecursionError`` far from any error
handler. ``SafeJSONParser`` refuses all of that at the door as a ``ParseError``, which
``api.exceptions`` answers with 400 ``invalid_json`` and a detail that names the problem.

The body it reads is ``request.body``: Django has already bounded it by
``DATA_UPLOAD_MAX_MEMORY_SIZE`` (413 ``payload_too_large``).
"""

import codecs

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from core.safejson import UnsafeJsonError, json_loads_safe


class SafeJSONParser(JSONParser):
    """``application/json`` bodies via ``json_loads_safe`` (see module)."""

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding") or "utf-8"
        raw = stream.read() if stream is not None else b""
        try:
            codecs.lookup(encoding)
            text = raw.decode(encoding)
        except LookupError:
            raise ParseError(f"Unknown charset {encoding!r}; send UTF-8.") from None
        except UnicodeDecodeError as exc:
            raise ParseError(
                f"The body is not valid {encoding} (byte {exc.start}); send UTF-8 JSON."
            ) from None
        try:
            return json_loads_safe(text)
        except UnsafeJsonError as exc:
            raise ParseError(str(exc)) from None
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
