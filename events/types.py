"""Event types and the one grammar of event-type patterns, shared by every place that selects
events: webhook endpoint subscriptions (the fan-out), ``GET /v1/events?type=`` and WebSocket
subscriptions.

An *event type* is one or more dot-separated segments, each a lowercase letter followed by
lowercase letters, digits or ``_``: ``ping``, ``challenge.created``,
``application.status_changed``, ``billing.invoice.paid``.

A *pattern* is one of:

- ``*`` — every event type;
- an exact type, e.g. ``challenge.created`` — that type only;
- ``<prefix>.*``, where the prefix is one or more segments — every type that starts with
  ``<prefix>.``: ``challenge.*`` matches ``challenge.created`` and ``challenge.x.y`` but neither
  ``challenge`` nor ``challenges.created``; ``billing.invoice.*`` matches
  ``billing.invoice.paid``.

Nothing else is a pattern (no ``*`` inside a segment, no ``*.created``, no empty segment, at most
100 characters): ``event_type_pattern_validate`` refuses it, with the same error wherever a pattern
comes in.

The grammar is defined once, by ``event_type_patterns_matching`` (every pattern that matches a
given type); ``event_type_matches`` and the query builders are written in terms of it.
"""

import re
from collections.abc import Iterable

from core.errors import DomainError

ALL_EVENT_TYPES = "*"
FAMILY_SUFFIX = ".*"
PATTERN_MAX_LENGTH = 100

_SEGMENT = r"[a-z][a-z0-9_]*"
_EVENT_TYPE = re.compile(rf"{_SEGMENT}(?:\.{_SEGMENT})*")


class InvalidEventTypePatternError(DomainError):
    status = 400
    code = "invalid_event_type_pattern"
    title = "Invalid event type pattern"


def event_type_is_valid(event_type) -> bool:
    return (
        isinstance(event_type, str)
        and len(event_type) <= PATTERN_MAX_LENGTH
        and _EVENT_TYPE.fullmatch(event_type) is not None
    )


def event_type_pattern_is_valid(pattern) -> bool:
    if pattern == ALL_EVENT_TYPES:
        return True
    if not isinstance(pattern, str) or len(pattern) > PATTERN_MAX_LENGTH:
        return False
    if pattern.endswith(FAMILY_SUFFIX):
        pattern = pattern[: -len(FAMILY_SUFFIX)]
    return _EVENT_TYPE.fullmatch(pattern) is not None


def event_type_pattern_validate(pattern, *, field: str = "events") -> str:
    """``pattern`` if it is one (see the module docstring), else ``InvalidEventTypePatternError``
    (400) naming the request ``field`` it came in."""
    if not event_type_pattern_is_valid(pattern):
        shown = pattern[:PATTERN_MAX_LENGTH] if isinstance(pattern, str) else pattern
        raise InvalidEventTypePatternError(
            f"{shown!r} is not an event type pattern: use an event type (challenge.created), "
            "a family (challenge.*) or * for every type.",
            field=field,
        )
    return pattern


def event_type_patterns_matching(event_type: str) -> list[str]:
    """Every pattern that matches ``event_type``: ``*``, one ``<prefix>.*`` per proper prefix
    of its segments, and the type itself. ``billing.invoice.paid`` →
    ``["*", "billing.*", "billing.invoice.*", "billing.invoice.paid"]``. This *is* the grammar."""
    segments = event_type.split(".")
    families = [".".join(segments[:end]) + FAMILY_SUFFIX for end in range(1, len(segments))]
    return [ALL_EVENT_TYPES, *families, event_type]


def event_type_matches(pattern: str, event_type: str) -> bool:
    return pattern in event_type_patterns_matching(event_type)


def event_type_matches_any(patterns: Iterable[str], event_type: str) -> bool:
    """Whether any of ``patterns`` matches: one set lookup per segment, however many patterns."""
    patterns = patterns if isinstance(patterns, set | frozenset) else set(patterns)
    return not patterns.isdisjoint(event_type_patterns_matching(event_type))


def event_type_pattern_family(pattern: str) -> str | None:
    """For a valid ``<prefix>.*`` pattern, the prefix *with* its dot (``"challenge."``): the
    types it matches are exactly those that start with it. None for ``*`` and exact types."""
    if pattern != ALL_EVENT_TYPES and pattern.endswith(FAMILY_SUFFIX):
        return pattern[: -len(FAMILY_SUFFIX) + 1]
    return None
