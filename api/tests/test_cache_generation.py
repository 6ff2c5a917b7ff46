"""The invalidation generation (``api.gateway.pipeline.cache_generation``): verified keys live
past ``API_KEY_CACHE_SECONDS`` while every call confirms it, and a change another process makes
clears this process's caches at its next call."""

import time

import pytest
from django.utils import timezone

from api.gateway.pipeline import CACHE_GENERATION_KEY, redis_client
from apikeys.models import ApiKey
from apikeys.services import api_key_create
from core.testing import problem

pytestmark = pytest.mark.django_db


def test_keys_in_use_are_not_reloaded_every_ttl_while_confirmed(
    settings, api_client_factory, tenant, django_assert_num_queries
):
    # given: a short TTL, and a key in use
    settings.API_KEY_CACHE_SECONDS = 0.2
    client = api_client_factory(api_key_create(tenant=tenant, name="in use").secret)
    assert client.get("/v1/me").status_code == 200

    # when: calls keep coming for several TTLs
    with django_assert_num_queries(0):
        deadline = time.monotonic() + 0.7
        while time.monotonic() < deadline:
            assert client.get("/v1/me").status_code == 200
            time.sleep(0.05)


def test_an_unconfirmed_entry_expires_after_the_ttl(
    settings, api_client_factory, tenant, django_assert_max_num_queries
):
    settings.API_KEY_CACHE_SECONDS = 0.2
    issued = api_key_create(tenant=tenant, name="idle")
    client = api_client_factory(issued.secret)
    assert client.get("/v1/me").status_code == 200
    ApiKey.objects.filter(pk=issued.api_key.pk).update(revoked_at=timezone.now())  # by hand

    time.sleep(0.3)  # no call confirmed anything meanwhile: back to the short TTL

    problem(client.get("/v1/me"), 401, "invalid_api_key")


def test_a_change_made_by_another_process_reaches_this_one_at_its_next_call(
    api_client_factory, tenant
):
    # given: a key verified and cached in this process
    issued = api_key_create(tenant=tenant, name="revoked elsewhere")
    client = api_client_factory(issued.secret)
    assert client.get("/v1/me").status_code == 200

    # when: another process revokes it — its row changes, its service moves the generation,
    # and nothing runs in this process
    ApiKey.objects.filter(pk=issued.api_key.pk).update(revoked_at=timezone.now())
    redis_client().incr(CACHE_GENERATION_KEY)

    # then: the next call brings the news back with its limit check; the one after is refused
    client.get("/v1/me")
    problem(client.get("/v1/me"), 401, "invalid_api_key")
