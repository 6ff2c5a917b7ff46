"""``headers_set``: response headers set as ``response[name] = value`` sets them, without Django's
per-header conversion for text that needs none.

Django's setter converts each name to ASCII and each value to Latin-1 (MIME-encoding what is not),
and refuses line breaks: ~2–4 µs a header, and an API answer carries a dozen (the rate-limit
headers, the request id, the length). A printable-ASCII name and value come out of those steps
unchanged, so they are stored as they are; anything else goes through Django's own setter, with
its encoding and its ``BadHeaderError``. ``core/tests/test_headers.py`` holds the two equal.
"""

from collections.abc import Iterable

from django.http import HttpResponseBase


def headers_set(
    response: HttpResponseBase, items: Iterable[tuple[str, str]], *, only_missing: bool = False
) -> None:
    """Set each ``(name, value)`` on ``response`` (see module); ``only_missing``: leave a header
    the response already has as it is."""
    store = response.headers._store  # CaseInsensitiveMapping's: lower name -> (name, value)
    for name, value in items:
        key = name.lower()
        if only_missing and key in store:
            continue
        if (
            type(value) is str
            and type(name) is str
            and value.isascii()
            and value.isprintable()
            and name.isascii()
            and name.isprintable()
        ):
            store[key] = (name, value)
        else:
            response[name] = value
