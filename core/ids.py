"""Public object ids: a type prefix and a time-sortable random part (``chl_01J…``).

The random part is a ULID (48-bit millisecond timestamp + 80 random bits, Crockford base32), so ids
sort by creation time — keyset (cursor) pagination can order by id alone — and reveal nothing
about how many objects a tenant has.
"""

import os
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
