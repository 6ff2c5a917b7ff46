"""The one timestamp convention of every public payload (marketplace objects, events, webhook
resources): RFC 3339 in UTC with a ``Z`` suffix, e.g. ``2026-11-25T16:20:00.123456Z``
(microseconds, left out when zero)."""

from datetime import UTC, datetime


def timestamp_render(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
