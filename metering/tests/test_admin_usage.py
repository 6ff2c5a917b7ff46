"""Operators see the usage ledger and API keys in the admin, read-only where the data is ours."""

from datetime import UTC, datetime

import pytest
from django.test import Client

from apikeys.services import api_key_create
from metering.models import UsageMinute
from tenants.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator_client():
    operator = User.objects.create_superuser("ops@openchance.test", "ops-password-123")
    client = Client(HTTP_HOST="localhost")
    client.force_login(operator)
    return client


def test_usage_ledger_is_listed_and_read_only(operator_client, tenant):
    UsageMinute.objects.create(
        tenant=tenant, api_key_id="key_x", mode="live", minute=datetime(2026, 11, 1, tzinfo=UTC),
        method="GET", route="/v1/me", status=200, is_billable=True, calls=7,
    )  # fmt: skip

    listing = operator_client.get("/admin/metering/usageminute/")
    adding = operator_client.get("/admin/metering/usageminute/add/")

    assert listing.status_code == 200 and "/v1/me" in listing.content.decode()
    assert adding.status_code == 403


def test_api_keys_are_listed_without_secrets(operator_client, tenant):
    issued = api_key_create(tenant=tenant, name="listed")

    listing = operator_client.get("/admin/apikeys/apikey/", {"q": "listed"})

    html = listing.content.decode()
    assert listing.status_code == 200 and issued.api_key.last_four in html
    assert issued.secret not in html
