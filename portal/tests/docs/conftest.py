"""Fixtures of the docs pages' tests: the data pages' personas and logged-in clients."""

from portal.tests.pages.conftest import persona, portal_client  # noqa: F401 - fixtures
