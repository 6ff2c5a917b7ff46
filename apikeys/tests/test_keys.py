"""API keys: format, storage (hash only), create / revoke / roll, provisioning with keys."""

import hashlib
import hmac
import json
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from api.gateway import InvalidApiKeyError, key_authenticate, key_cache_clear
from apikeys.keys import api_key_generate, api_key_hash, api_key_parse
from apikeys.models import ApiKey, ApiKeySecret
from apikeys.services import api_key_create, api_key_revoke, api_key_roll
from core.errors import BusinessRuleError

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("mode", ["live", "test"])
def test_key_format_is_prefix_random_body_and_checksum(mode):
    raw = api_key_generate(mode=mode).raw

    assert re.fullmatch(rf"oc_{mode}_[0-9A-Za-z]{{32}}[0-9A-Za-z]{{6}}", raw)
    assert api_key_parse(raw).mode == mode
    assert api_key_generate(mode=mode).raw != raw


def test_a_single_changed_character_fails_the_checksum_offline():
    raw = api_key_generate(mode="live").raw
    position = 20
    changed = raw[:position] + ("a" if raw[position] != "a" else "b") + raw[position + 1 :]

    assert api_key_parse(changed) is None
    assert api_key_parse(raw[:-1]) is None
    assert api_key_parse(raw + "x") is None
    assert api_key_parse(raw.replace("oc_live_", "oc_prod_")) is None


def test_create_returns_the_secret_once_and_stores_only_its_hmac(tenant):
    # when
    issued = api_key_create(tenant=tenant, name="CI", mode="live", scopes=["challenges:read"])

    # then
    secret = ApiKeySecret.objects.get(api_key=issued.api_key)
    assert secret.secret_hash == api_key_hash(issued.secret)
    assert secret.secret_hash != issued.secret
    stored = json.dumps(list(ApiKey.objects.filter(pk=issued.api_key.pk).values()), default=str)
    stored += json.dumps(list(ApiKeySecret.objects.filter(pk=secret.pk).values()), default=str)
    assert issued.secret not in stored
    assert issued.secret[8:40] not in stored  # not even the random body
    assert issued.api_key.display_prefix == issued.secret[:12]
    assert issued.api_key.last_four == issued.secret[-4:]
    assert issued.api_key.scopes == ["challenges:read"]
    assert issued.secret not in repr(vars(ApiKey.objects.get(pk=issued.api_key.pk)))


def test_keys_of_a_sandbox_row_belong_to_the_live_tenant(sandbox, tenant):
    issued = api_key_create(tenant=sandbox, name="sandbox", mode="test")

    assert issued.api_key.tenant == tenant


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"mode": "prod"}, "invalid_mode"),
        ({"scopes": ["challenges:delete"]}, "invalid_scope"),
        ({"expires_at": timezone.now() - timedelta(seconds=1)}, "invalid_expiry"),
    ],
)
def test_create_refuses_bad_input_and_creates_nothing(tenant, kwargs, code):
    before = ApiKey.objects.count()

    with pytest.raises(BusinessRuleError) as error:
        api_key_create(tenant=tenant, name="bad", **kwargs)

    assert error.value.code == code
    assert ApiKey.objects.count() == before


def test_revoked_key_stops_working_at_once_in_this_process(tenant):
    # given
    issued = api_key_create(tenant=tenant, name="to revoke")
    key_authenticate(issued.secret, host_tenant=tenant)  # warm the process cache

    # when
    api_key_revoke(api_key=issued.api_key)

    # then
    with pytest.raises(InvalidApiKeyError, match="revoked"):
        key_authenticate(issued.secret, host_tenant=tenant)


def test_expired_key_is_refused(tenant):
    issued = api_key_create(
        tenant=tenant, name="short", expires_at=timezone.now() + timedelta(hours=1)
    )
    ApiKey.objects.filter(pk=issued.api_key.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )

    with pytest.raises(InvalidApiKeyError, match="expired"):
        key_authenticate(issued.secret, host_tenant=None)


def test_roll_issues_a_new_secret_and_the_old_one_works_for_the_grace_period(tenant):
    # given
    first = api_key_create(tenant=tenant, name="rolling")

    # when
    second = api_key_roll(api_key=first.api_key, grace_period=timedelta(hours=2))

    # then
    assert second.secret != first.secret
    assert second.api_key.pk == first.api_key.pk
    assert key_authenticate(first.secret, host_tenant=tenant).key_id == first.api_key.pk
    assert key_authenticate(second.secret, host_tenant=tenant).key_id == first.api_key.pk
    old = ApiKeySecret.objects.get(secret_hash=api_key_hash(first.secret))
    assert timedelta(hours=1, minutes=59) < old.expires_at - timezone.now() <= timedelta(hours=2)

    # and when the grace period is over
    ApiKeySecret.objects.filter(pk=old.pk).update(expires_at=timezone.now())
    key_cache_clear()  # as every process does within API_KEY_CACHE_SECONDS
    with pytest.raises(InvalidApiKeyError, match="grace period"):
        key_authenticate(first.secret, host_tenant=tenant)
    assert key_authenticate(second.secret, host_tenant=tenant).key_id == first.api_key.pk


def test_roll_with_zero_grace_ends_the_old_secret_now(tenant):
    first = api_key_create(tenant=tenant, name="rolling")

    second = api_key_roll(api_key=first.api_key, grace_period=timedelta(0))

    with pytest.raises(InvalidApiKeyError):
        key_authenticate(first.secret, host_tenant=tenant)
    assert key_authenticate(second.secret, host_tenant=tenant).key_id == first.api_key.pk


@pytest.mark.parametrize("grace", [timedelta(days=7, seconds=1), timedelta(seconds=-1)])
def test_roll_grace_period_is_between_0_hours_and_7_days(tenant, grace):
    first = api_key_create(tenant=tenant, name="rolling")

    with pytest.raises(BusinessRuleError):
        api_key_roll(api_key=first.api_key, grace_period=grace)

    assert first.api_key.secrets.count() == 1


def test_the_hash_is_hmac_sha256_under_the_pepper_so_stored_hashes_keep_verifying():
    for raw in ("oc_live_" + "a" * 32, "oc_test_é", ""):
        expected = hmac.new(settings.API_KEY_PEPPER.encode(), raw.encode(), hashlib.sha256)
        assert api_key_hash(raw) == expected.hexdigest()
