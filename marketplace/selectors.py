"""Reads of marketplace data; they run in whatever tenant schema the connection is set to."""

from marketplace.models import Challenge


def challenge_count() -> int:
    return Challenge.objects.count()
