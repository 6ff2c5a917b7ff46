"""API key pages: the list (current mode, one query for the keys however many), create with the
secret shown once, roll with a grace period, revoke behind a confirm step, the audit log, and
the developer's rule (their own keys only)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from apikeys.keys import api_key_hash
from apikeys.models import ApiKey, ApiKeyEvent, ApiKeySecret
from apikeys.selectors import api_key_secret_is_usable
from apikeys.services import api_key_create, api_key_revoke

pytestmark = pytest.mark.django_db


def _keys(tenant):
    return set(ApiKey.objects.filter(tenant=tenant).values_list("pk", flat=True))


@pytest.mark.parametrize("role", ["owner", "admin", "developer"])
def test_a_writer_creates_a_key_and_sees_its_secret_once(portal_client, tenant, persona, role):
    # given
    client = portal_client(role)
    before = _keys(tenant)

    # when
    response = client.post(
        "/keys/new/",
        {"name": "CI deploy", "mode": "test", "scopes": ["challenges:read", "events:read"]},
    )

    # then
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    (new_id,) = _keys(tenant) - before
    api_key = ApiKey.objects.get(pk=new_id)
    secret = response.context["secret"]
    assert secret.startswith("oc_test_") and api_key_secret_is_usable(secret)
    assert ApiKeySecret.objects.get(api_key=api_key).secret_hash == api_key_hash(secret)
    assert secret in response.content.decode()
    assert 'data-copy-target="new-secret"' in response.content.decode()
    assert (api_key.name, api_key.mode, api_key.scopes) == (
        "CI deploy", "test", ["challenges:read", "events:read"],
    )  # fmt: skip
    assert api_key.created_by == persona(role)
    event = ApiKeyEvent.objects.get(api_key=api_key)
    assert (event.action, event.actor, event.actor_email) == (
        "created",
        persona(role),
        persona(role).email,
    )
    # and never again: the list shows prefix and last four only
    listed = client.get("/keys/").content.decode()
    assert secret not in listed and api_key.last_four in listed


def test_the_list_shows_keys_of_the_current_mode_with_creator_and_status(
    portal_client, tenant, owner
):
    live = api_key_create(tenant=tenant, name="live one", mode="live", actor=owner).api_key
    test = api_key_create(tenant=tenant, name="test one", mode="test", actor=owner).api_key
    revoked = api_key_create(tenant=tenant, name="gone", mode="test").api_key
    api_key_revoke(api_key=revoked)

    sandbox_page = portal_client("viewer").get("/keys/")
    live_page = portal_client("viewer", mode="live").get("/keys/")

    sandbox_rows = {row["key"].pk: row for row in sandbox_page.context["rows"]}
    assert test.pk in sandbox_rows and live.pk not in sandbox_rows
    assert live.pk in {row["key"].pk for row in live_page.context["rows"]}
    assert sandbox_rows[revoked.pk]["status"] == "revoked"
    assert sandbox_rows[test.pk]["status"] == "active"
    body = sandbox_page.content.decode()
    assert f"by {owner.email}" in body and "by the platform" in body
    # a viewer is offered no action
    assert "/roll/" not in body and "Create key" not in body


def test_the_list_costs_the_same_queries_for_1_or_20_keys(portal_client, tenant, owner, queries_of):
    client = portal_client("owner")
    api_key_create(tenant=tenant, name="k0", mode="test", actor=owner)
    client.get("/keys/")  # the session's first read
    _, one = queries_of(lambda: client.get("/keys/"))
    for n in range(19):
        api_key_create(tenant=tenant, name=f"k{n + 1}", mode="test", actor=owner)
    response, twenty = queries_of(lambda: client.get("/keys/"))

    assert len(response.context["rows"]) >= 20
    assert len(twenty) == len(one) <= 8


@pytest.mark.parametrize(
    "data, field",
    [
        ({"name": "", "mode": "test"}, "name"),
        ({"name": "x", "mode": "prod"}, "mode"),
        ({"name": "x", "mode": "test", "scopes": ["root:write"]}, "scopes"),
        ({"name": "x", "mode": "test", "scopes": ["all", "events:read"]}, "scopes"),
        ({"name": "x", "mode": "test", "expires_on": "2020-01-01"}, "expires_on"),
        ({"name": "x", "mode": "test", "expires_on": "9999-12-31"}, "expires_on"),
        ({"name": "x", "mode": "test", "expires_on": "tomorrow"}, "expires_on"),
        ({"name": "a\x00b", "mode": "test"}, "name"),
        ({"name": "x" * 101, "mode": "test"}, "name"),
    ],
)
def test_bad_input_shows_the_form_error_and_creates_nothing(portal_client, tenant, data, field):
    before = _keys(tenant), ApiKeyEvent.objects.count()

    response = portal_client("owner").post("/keys/new/", data)

    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert "secret" not in response.context
    assert (_keys(tenant), ApiKeyEvent.objects.count()) == before


def test_an_expiry_is_stored_at_the_start_of_the_day(portal_client, tenant):
    day = (timezone.now() + timedelta(days=30)).date()

    response = portal_client("owner").post(
        "/keys/new/", {"name": "temp", "mode": "live", "expires_on": day.isoformat()}
    )

    api_key = response.context["issued_key"]
    assert api_key.expires_at == datetime(day.year, day.month, day.day, tzinfo=UTC)
    assert api_key.mode == "live" and response.context["secret"].startswith("oc_live_")


def test_roll_shows_the_new_secret_once_and_keeps_the_old_for_the_grace(
    portal_client, tenant, owner
):
    # given
    issued = api_key_create(tenant=tenant, name="rolled", mode="test", actor=owner)
    client = portal_client("admin")
    assert client.get(f"/keys/{issued.api_key.pk}/roll/").status_code == 200

    # when
    response = client.post(f"/keys/{issued.api_key.pk}/roll/", {"grace_hours": "2"})

    # then
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    new_secret = response.context["secret"]
    assert new_secret != issued.secret and new_secret in response.content.decode()
    assert api_key_secret_is_usable(new_secret) and api_key_secret_is_usable(issued.secret)
    old = ApiKeySecret.objects.get(secret_hash=api_key_hash(issued.secret))
    assert timedelta(hours=1, minutes=59) < old.expires_at - timezone.now() <= timedelta(hours=2)
    event = ApiKeyEvent.objects.get(api_key=issued.api_key, action="rolled")
    assert event.detail["grace_period_seconds"] == 7200 and event.actor_email == "admin@alpha.test"
    listed = client.get("/keys/").content.decode()
    assert f"previous secret {issued.api_key.display_prefix}…{issued.secret[-4:]} works until" in (
        listed
    )


def test_roll_with_no_grace_ends_the_old_secret_now(portal_client, tenant, owner):
    issued = api_key_create(tenant=tenant, name="rolled", mode="test", actor=owner)

    portal_client("owner").post(f"/keys/{issued.api_key.pk}/roll/", {"grace_hours": "0"})

    assert not api_key_secret_is_usable(issued.secret)


@pytest.mark.parametrize("grace", ["-1", "169", "", "soon", "1.5"])
def test_a_bad_grace_period_rolls_nothing(portal_client, tenant, owner, grace):
    issued = api_key_create(tenant=tenant, name="kept", mode="test", actor=owner)

    response = portal_client("owner").post(
        f"/keys/{issued.api_key.pk}/roll/", {"grace_hours": grace}
    )

    assert response.status_code == 400 and response.context["form"].errors["grace_hours"]
    assert issued.api_key.secrets.count() == 1
    assert not ApiKeyEvent.objects.filter(api_key=issued.api_key, action="rolled").exists()


def test_a_revoked_key_cannot_be_rolled(portal_client, tenant, owner):
    issued = api_key_create(tenant=tenant, name="gone", mode="test", actor=owner)
    api_key_revoke(api_key=issued.api_key)

    response = portal_client("owner").post(f"/keys/{issued.api_key.pk}/roll/", {"grace_hours": "1"})

    assert response.status_code == 400
    assert "cannot be rolled" in response.content.decode()
    assert issued.api_key.secrets.count() == 1


def test_revoke_asks_first_then_revokes_and_logs(portal_client, tenant, owner):
    issued = api_key_create(tenant=tenant, name="doomed", mode="test", actor=owner)
    client = portal_client("owner")

    confirm = client.get(f"/keys/{issued.api_key.pk}/revoke/")
    unconfirmed = client.post(f"/keys/{issued.api_key.pk}/revoke/", {})
    assert confirm.status_code == 200 and 'name="confirm" value="yes"' in confirm.content.decode()
    assert unconfirmed.status_code == 400
    assert api_key_secret_is_usable(issued.secret)

    response = client.post(f"/keys/{issued.api_key.pk}/revoke/", {"confirm": "yes"})

    assert response.status_code == 302 and response["Location"] == "/keys/"
    assert not api_key_secret_is_usable(issued.secret)
    event = ApiKeyEvent.objects.get(api_key=issued.api_key, action="revoked")
    assert event.actor == owner
    audit = client.get("/keys/").context["events"]
    assert [e.action for e in audit if e.api_key_id == issued.api_key.pk] == ["revoked", "created"]


def test_a_developer_manages_only_their_own_keys(portal_client, tenant, owner, persona):
    # given
    theirs = api_key_create(tenant=tenant, name="owner's", mode="test", actor=owner)
    mine = api_key_create(tenant=tenant, name="mine", mode="test", actor=persona("developer"))
    client = portal_client("developer")

    # when
    refused = [
        client.get(f"/keys/{theirs.api_key.pk}/roll/"),
        client.post(f"/keys/{theirs.api_key.pk}/roll/", {"grace_hours": "0"}),
        client.post(f"/keys/{theirs.api_key.pk}/revoke/", {"confirm": "yes"}),
    ]
    allowed = client.post(f"/keys/{mine.api_key.pk}/revoke/", {"confirm": "yes"})

    # then
    assert [r.status_code for r in refused] == [403, 403, 403]
    assert "only the keys they created" in refused[0].content.decode()
    assert api_key_secret_is_usable(theirs.secret) and theirs.api_key.secrets.count() == 1
    assert allowed.status_code == 302 and not api_key_secret_is_usable(mine.secret)
    rows = {row["key"].pk: row for row in client.get("/keys/").context["rows"]}
    assert rows[theirs.api_key.pk]["may_manage"] is False


def test_the_form_is_protected_by_csrf(tenant, persona):
    from django.test import Client

    from core.testing import host_of

    client = Client(HTTP_HOST=host_of(tenant), enforce_csrf_checks=True)
    client.force_login(persona("owner"))
    before = _keys(tenant)

    response = client.post("/keys/new/", {"name": "x", "mode": "test"})

    assert response.status_code == 403
    assert _keys(tenant) == before
