"""Compatibility only: the /v1 views are split per resource (``api.v1.challenges``,
``api.v1.applications``, ``api.v1.messages``, ``api.v1.reviews``, ``api.v1.events``). These
names stay importable from here until the last importer (api/v1/tests/test_cursors.py) moves to
``api.v1.challenges``; then delete this module."""

from api.v1.challenges import CHALLENGE_ORDERINGS, SEARCH_COST, SEARCH_RANK

__all__ = ["CHALLENGE_ORDERINGS", "SEARCH_COST", "SEARCH_RANK"]
