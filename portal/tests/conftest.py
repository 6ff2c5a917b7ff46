"""Fixtures of the portal's tests."""

import pytest


@pytest.fixture(autouse=True)
def _fresh_page_rate_limits():
    """Rate-limit counters (allauth's and django-ratelimit's) live in Redis, outside the test's
    transaction: forget them around every test so one test's attempts never limit another's."""
    from django_redis import get_redis_connection

    redis = get_redis_connection("default")

    def forget():
        for pattern in ("*:allauth:rl:*", "*:rl:*"):
            keys = list(redis.scan_iter(match=pattern, count=1000))
            if keys:
                redis.delete(*keys)

    forget()
    yield
    forget()
