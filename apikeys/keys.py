"""The API key format: generation, offline validation and hashing. No database access here.

A key reads ``oc_<mode>_<body><checksum>``: ``mode`` is ``live`` or ``test``, ``body`` 32 random
base62 characters (~190 bits), ``checksum`` the CRC32 of ``oc_<mode>_<body>`` as 6 base62
characters. As with GitHub's token format, a secret scanner (or this module) recognises a key
offline, and a typo or a truncated paste is refused before any lookup.

Only ``api_key_hash(raw)`` — HMAC-SHA256 under a server-side pepper (``API_KEY_PEPPER``) — is
stored; a database leak alone does not let anyone recompute or test keys.
"""

import hashlib
import hmac
import re
import secrets
import zlib
from dataclasses import dataclass

from django.conf import settings

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
KEY_PREFIX = "oc"
MODES = ("live", "test")
BODY_LENGTH = 32
CHECKSUM_LENGTH = 6
KEY_PATTERN = re.compile(
    rf"^{KEY_PREFIX}_(live|test)_([0-9A-Za-z]{{{BODY_LENGTH}}})([0-9A-Za-z]{{{CHECKSUM_LENGTH}}})$"
)
# Anything longer than this is not a key; refuse it without regex work on attacker-sized input.
MAX_KEY_LENGTH = len(KEY_PREFIX) + 6 + BODY_LENGTH + CHECKSUM_LENGTH


@dataclass(frozen=True)
class ParsedKey:
    raw: str
    mode: str

    @property
    def display_prefix(self) -> str:
        """What the portal shows: ``oc_live_AbCd…``; not enough to use or guess the key."""
        return self.raw[: len(KEY_PREFIX) + 6 + 4]

    @property
    def last_four(self) -> str:
        return self.raw[-4:]


def _base62(number: int, width: int) -> str:
    chars = []
    while number:
        number, digit = divmod(number, 62)
        chars.append(BASE62[digit])
    return "".join(reversed(chars)).rjust(width, "0")


def _checksum(head: str) -> str:
    return _base62(zlib.crc32(head.encode()), CHECKSUM_LENGTH)


def api_key_generate(*, mode: str) -> ParsedKey:
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
    body = "".join(secrets.choice(BASE62) for _ in range(BODY_LENGTH))
    head = f"{KEY_PREFIX}_{mode}_{body}"
    return ParsedKey(raw=head + _checksum(head), mode=mode)


def api_key_parse(raw: str) -> ParsedKey | None:
    """The key if ``raw`` is well-formed with a valid checksum, else None (no lookup needed)."""
    if not raw or len(raw) > MAX_KEY_LENGTH:
        return None
    match = KEY_PATTERN.match(raw)
    if match is None:
        return None
    head = raw[:-CHECKSUM_LENGTH]
    if not hmac.compare_digest(_checksum(head), raw[-CHECKSUM_LENGTH:]):
        return None
    return ParsedKey(raw=raw, mode=match.group(1))


def api_key_hash(raw: str) -> str:
    """HMAC-SHA256 of the key under the pepper, hex: the only form of a secret that is stored."""
    # Not hmac.digest: that one-shot form releases the GIL around OpenSSL's HMAC, and under a
    # few server threads a release costs a thread switch (README, Benchmarks); hmac.new does not.
    return hmac.new(settings.API_KEY_PEPPER.encode(), raw.encode(), hashlib.sha256).hexdigest()
