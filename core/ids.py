"""Public object ids: a type prefix and a time-sortable random part (``chl_01J…``).

The random part is a ULID (48-bit millisecond timestamp + 80 random bits, Crockford base32), so ids
sort by creation time — keyset (cursor) pagination can order by id alone — and reveal nothing
about how many objects a tenant has.
"""

import os
import re
import time

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

PREFIXES = {
    "challenge": "chl",
    "application": "app",
    "message": "msg",
    "review": "rev",
    "event": "evt",
    "webhook_endpoint": "we",
    "webhook_delivery": "wd",
    "webhook_attempt": "wa",
    "api_key": "key",
}


def ulid(timestamp_ms: int | None = None) -> str:
    if timestamp_ms is None:
        timestamp_ms = time.time_ns() // 1_000_000
    value = (timestamp_ms << 80) | int.from_bytes(os.urandom(10), "big")
    chars = []
    for _ in range(26):
        chars.append(_CROCKFORD[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def new_id(prefix: str) -> str:
    return f"{prefix}_{ulid()}"


# The shape of every id the platform issues (a prefix, ``_``, letters and digits), at most as long
# as the id columns (40). Anything else cannot exist and is answered "not found" without a query:
# an id with a NUL character would even make PostgreSQL raise.
ID_MAX_LENGTH = 40
_WELLFORMED_ID = re.compile(r"([a-z]{2,4})_[0-9A-Za-z]{1,36}")


def id_is_wellformed(value, *, prefix: str | None = None) -> bool:
    """Whether ``value`` could be an id we issued (of type ``prefix``, e.g. ``"we"``, if given).

    The guard of every access-checked fetch (``*_get``): a client-controlled string that fails it
    never reaches the database, whatever it contains (control characters, surrogates, length).
    """
    if not isinstance(value, str) or len(value) > ID_MAX_LENGTH:
        return False
    match = _WELLFORMED_ID.fullmatch(value)
    return match is not None and (prefix is None or match.group(1) == prefix)
