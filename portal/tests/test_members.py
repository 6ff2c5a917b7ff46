"""Members pages (portal/members/): the role matrix of every page and action with nothing changed
on a refusal, the finer rules (admins never touch owners, the last owner stays), invitations
end to end (email, sign-up on the tenant's host, verification, accepting) and the audit log."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from core.testing import host_of
from portal.tests.support import client_for, links_in_last_mail, path_of
from tenants.models import Invitation, Membership, MembershipEvent, User
from tenants.services_members import membership_invite

pytestmark = pytest.mark.django_db

ROLES = ["owner", "admin", "developer", "viewer"]


@pytest.fixture
def people(tenant, owner, outsider):
    """One person per role in ``tenant`` (alpha), plus the outsider (beta's owner)."""
    people = {"owner": owner, "outsider": outsider}
    for role in ("admin", "developer", "viewer"):
        user = User.objects.create_user(email=f"{role}-persona@alpha.test")
        Membership.objects.create(user=user, tenant=tenant, role=role)
        people[role] = user
    return people


@pytest.fixture
def target(tenant):
    """A developer the actions act on."""
    user = User.objects.create_user(email="target@alpha.test")
    return Membership.objects.create(user=user, tenant=tenant, role="developer")


def _as(persona, people, tenant) -> Client:
    if persona == "anonymous":
        return Client(HTTP_HOST=host_of(tenant))
    return client_for(people[persona], tenant)


def _snapshot(tenant):
    return (
        sorted(Membership.objects.filter(tenant=tenant).values_list("user__email", "role")),
        sorted(Invitation.objects.filter(tenant=tenant).values_list("email", "revoked_at")),
        MembershipEvent.objects.filter(tenant=tenant).count(),
    )


def _assert_refused(response, persona):
    if persona == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    elif persona == "outsider":
        assert response.status_code == 404
        assert "Page not found" in response.content.decode()
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("persona", [*ROLES, "outsider", "anonymous"])
def test_the_members_page_matrix(people, tenant, persona):
    response = _as(persona, people, tenant).get("/members/")

    if persona in ROLES:
        assert response.status_code == 200
        body = response.content.decode()
        assert "owner@alpha.test" in body
        assert ("Send invitation" in body) is (persona in ("owner", "admin"))
    else:
        _assert_refused(response, persona)


@pytest.mark.parametrize("persona", [*ROLES, "outsider", "anonymous"])
def test_inviting_matrix(people, tenant, persona, django_capture_on_commit_callbacks):
    before = _snapshot(tenant)

    with django_capture_on_commit_callbacks(execute=True):
        response = _as(persona, people, tenant).post(
            "/members/invite/", {"email": "new@alpha.test", "role": "viewer"}
        )

    if persona in ("owner", "admin"):
        assert response.status_code == 302
        invitation = Invitation.objects.get(tenant=tenant, email="new@alpha.test")
        assert invitation.role == "viewer" and invitation.invited_by == people[persona]
        assert [m.to for m in mail.outbox] == [["new@alpha.test"]]
    else:
        _assert_refused(response, persona)
        assert _snapshot(tenant) == before
        assert mail.outbox == []


@pytest.mark.parametrize("persona", [*ROLES, "outsider", "anonymous"])
def test_role_change_matrix(people, tenant, target, persona):
    before = _snapshot(tenant)

    response = _as(persona, people, tenant).post(f"/members/{target.pk}/role/", {"role": "viewer"})

    target.refresh_from_db()
    if persona in ("owner", "admin"):
        assert response.status_code == 302 and target.role == "viewer"
        event = MembershipEvent.objects.get(tenant=tenant, action="role_changed")
        assert event.actor == people[persona] and event.subject_email == "target@alpha.test"
        assert event.detail == {"role": "viewer", "previous": "developer"}
    else:
        _assert_refused(response, persona)
        assert target.role == "developer" and _snapshot(tenant) == before


@pytest.mark.parametrize("persona", [*ROLES, "outsider", "anonymous"])
def test_remove_matrix(people, tenant, target, persona):
    client = _as(persona, people, tenant)
    before = _snapshot(tenant)

    confirm = client.get(f"/members/{target.pk}/remove/")
    response = client.post(f"/members/{target.pk}/remove/")

    if persona in ("owner", "admin"):
        assert confirm.status_code == 200 and "Remove target@alpha.test" in confirm.content.decode()
        assert response.status_code == 302
        assert not Membership.objects.filter(pk=target.pk).exists()
        assert User.objects.filter(email="target@alpha.test").exists()  # the account stays
        assert MembershipEvent.objects.filter(tenant=tenant, action="removed").count() == 1
    else:
        _assert_refused(confirm, persona)
        _assert_refused(response, persona)
        assert _snapshot(tenant) == before


@pytest.mark.parametrize("persona", [*ROLES, "outsider", "anonymous"])
def test_revoke_matrix(people, tenant, owner, persona):
    issued = membership_invite(
        actor=Membership.objects.get(user=owner, tenant=tenant), email="x@alpha.test", role="viewer"
    )
    before = _snapshot(tenant)

    response = _as(persona, people, tenant).post(
        f"/members/invitations/{issued.invitation.pk}/revoke/"
    )

    issued.invitation.refresh_from_db()
    if persona in ("owner", "admin"):
        assert response.status_code == 302 and issued.invitation.revoked_at is not None
    else:
        _assert_refused(response, persona)
        assert issued.invitation.revoked_at is None and _snapshot(tenant) == before


def test_a_get_on_an_action_answers_405(people, tenant, target):
    client = client_for(people["owner"], tenant)

    assert client.get("/members/invite/").status_code == 405
    assert client.get(f"/members/{target.pk}/role/").status_code == 405


def test_another_tenants_member_is_not_found(people, tenant, other_tenant, outsider):
    # given: beta's owner membership, acted on from alpha's portal by alpha's owner
    beta_owner = Membership.objects.get(tenant=other_tenant, user=outsider)
    client = client_for(people["owner"], tenant)
    before = _snapshot(other_tenant)

    responses = [
        client.post(f"/members/{beta_owner.pk}/role/", {"role": "viewer"}),
        client.get(f"/members/{beta_owner.pk}/remove/"),
        client.post(f"/members/{beta_owner.pk}/remove/"),
    ]

    assert [response.status_code for response in responses] == [404, 404, 404]
    assert _snapshot(other_tenant) == before


def test_the_last_owner_can_be_neither_demoted_nor_removed(people, tenant):
    owner_membership = Membership.objects.get(tenant=tenant, role="owner")
    client = client_for(people["owner"], tenant)
    before = _snapshot(tenant)

    demoted = client.post(f"/members/{owner_membership.pk}/role/", {"role": "admin"})
    removed = client.post(f"/members/{owner_membership.pk}/remove/")

    for response in (demoted, removed):
        assert response.status_code == 422
        assert "The last owner cannot be" in response.content.decode()
    owner_membership.refresh_from_db()
    assert owner_membership.role == "owner" and _snapshot(tenant) == before


def test_with_a_second_owner_the_first_may_step_down(people, tenant):
    owner_membership = Membership.objects.get(tenant=tenant, user=people["owner"])
    Membership.objects.filter(tenant=tenant, user=people["admin"]).update(role="owner")

    response = client_for(people["owner"], tenant).post(
        f"/members/{owner_membership.pk}/role/", {"role": "admin"}
    )

    owner_membership.refresh_from_db()
    assert response.status_code == 302 and owner_membership.role == "admin"


def test_an_admin_never_touches_owners(people, tenant):
    owner_membership = Membership.objects.get(tenant=tenant, user=people["owner"])
    developer = Membership.objects.get(tenant=tenant, user=people["developer"])
    client = client_for(people["admin"], tenant)
    before = _snapshot(tenant)

    responses = {
        "demote owner": client.post(f"/members/{owner_membership.pk}/role/", {"role": "viewer"}),
        "promote to owner": client.post(f"/members/{developer.pk}/role/", {"role": "owner"}),
        "remove owner": client.post(f"/members/{owner_membership.pk}/remove/"),
        "invite owner": client.post("/members/invite/", {"email": "o@alpha.test", "role": "owner"}),
    }

    for name, response in responses.items():
        assert response.status_code == 422, name
    assert "Only an owner can manage owners" in responses["demote owner"].content.decode()
    assert _snapshot(tenant) == before


@pytest.mark.parametrize(
    ("email", "role", "message"),
    [
        ("not-an-email", "viewer", "Enter a valid email address"),
        ("owner@alpha.test", "viewer", "is already a member"),
        ("new@alpha.test", "emperor", "Select a valid choice"),
    ],
)
def test_a_bad_invitation_is_refused_with_a_clear_message(people, tenant, email, role, message):
    before = _snapshot(tenant)

    response = client_for(people["owner"], tenant).post(
        "/members/invite/", {"email": email, "role": role}
    )

    assert response.status_code == 422 and message in response.content.decode()
    assert _snapshot(tenant) == before and mail.outbox == []


def test_an_invitation_end_to_end_for_someone_new(
    people, tenant, django_capture_on_commit_callbacks
):
    # given: the owner invites a new address as admin (the email goes once that commits)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(people["owner"], tenant).post(
            "/members/invite/", {"email": "newcomer@example.test", "role": "admin"}
        )
    accept_url = links_in_last_mail("newcomer@example.test")[0]
    assert accept_url.startswith(f"http://{host_of(tenant)}/invitations/")
    browser = Client(HTTP_HOST=host_of(tenant))

    # when: the invitee opens it, signs up on the tenant's host and verifies the address
    page = browser.get(path_of(accept_url))
    assert page.status_code == 200 and "Join Alpha" in page.content.decode()
    signup = browser.post(
        f"/accounts/signup/?next={path_of(accept_url)}",
        {"email": "newcomer@example.test", "password1": "another-long-passphrase-77"},
    )
    assert signup.status_code == 302, signup.content.decode()
    confirm_url = next(
        link for link in links_in_last_mail("newcomer@example.test") if "confirm-email" in link
    )
    assert confirm_url.startswith(f"http://{host_of(tenant)}/")
    confirmed = browser.post(path_of(confirm_url))
    assert confirmed.status_code == 302 and confirmed["Location"] == path_of(accept_url)

    # and accepts
    accepted = browser.post(path_of(accept_url))

    # then: a member with the invited role, the invitation used, both steps audited
    assert accepted.status_code == 302 and accepted["Location"] == "/"
    membership = Membership.objects.get(tenant=tenant, user__email="newcomer@example.test")
    assert membership.role == "admin"
    assert Invitation.objects.get(email="newcomer@example.test").accepted_by == membership.user
    assert list(MembershipEvent.objects.filter(tenant=tenant).values_list("action", flat=True)) == [
        "joined",
        "invited",
    ]
    assert browser.get("/members/").status_code == 200
    # the link works once
    assert browser.get(path_of(accept_url)).status_code == 404


def test_an_existing_account_accepts_when_logged_in_with_the_invited_address(people, tenant):
    someone = User.objects.create_user(email="someone@example.test")
    issued = membership_invite(
        actor=Membership.objects.get(user=people["owner"], tenant=tenant),
        email="Someone@Example.test",
        role="viewer",
    )

    response = client_for(someone, tenant).post(f"/invitations/{issued.token}/")

    assert response.status_code == 302
    assert Membership.objects.get(tenant=tenant, user=someone).role == "viewer"


def test_another_account_cannot_accept_someone_elses_invitation(people, tenant, outsider):
    issued = membership_invite(
        actor=Membership.objects.get(user=people["owner"], tenant=tenant),
        email="someone@example.test",
        role="admin",
    )

    response = client_for(outsider, tenant).post(f"/invitations/{issued.token}/")

    assert response.status_code == 422
    assert "This invitation is for someone@example.test" in response.content.decode()
    assert not Membership.objects.filter(tenant=tenant, user=outsider).exists()
    assert Invitation.objects.get(pk=issued.invitation.pk).accepted_at is None


def test_an_expired_or_foreign_invitation_is_not_valid(people, tenant, other_tenant):
    issued = membership_invite(
        actor=Membership.objects.get(user=people["owner"], tenant=tenant),
        email="late@example.test",
        role="viewer",
    )
    someone = User.objects.create_user(email="late@example.test")

    # on another tenant's host the token is unknown
    foreign = Client(HTTP_HOST=host_of(other_tenant)).get(f"/invitations/{issued.token}/")
    # and once expired, it is unknown everywhere
    Invitation.objects.filter(pk=issued.invitation.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    expired = client_for(someone, tenant).post(f"/invitations/{issued.token}/")

    assert foreign.status_code == 404 and expired.status_code == 404
    assert not Membership.objects.filter(user=someone).exists()


def test_signup_on_a_tenant_host_needs_an_invitation(tenant):
    response = Client(HTTP_HOST=host_of(tenant)).post(
        "/accounts/signup/", {"email": "drifter@example.test", "password1": "a-long-passphrase-1"}
    )

    assert not User.objects.filter(email="drifter@example.test").exists()
    assert "Sign-up needs an invitation" in response.content.decode()
