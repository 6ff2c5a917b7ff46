"""The operator admin's login limits failed attempts per client address and per username
(issue 8, item 8c; ``openchance.views.admin_login``): 30 wrong passwords in a few seconds used to
be answered every time."""

import uuid

import pytest
from django.conf import settings
from django.test import Client

from tenants.models import User

pytestmark = pytest.mark.django_db

PASSWORD = "operator-password-1"  # noqa: S105 - a test persona


@pytest.fixture
def operator():
    return User.objects.create_superuser(
        email=f"op-{uuid.uuid4().hex[:8]}@ops.test", password=PASSWORD
    )


def _address() -> str:
    """A client address of its own per test: the counters live in Redis across tests."""
    return f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"


def _client(address: str) -> Client:
    return Client(HTTP_HOST=settings.BASE_DOMAIN, REMOTE_ADDR=address)


def _login(client: Client, username: str, password: str):
    return client.post("/admin/login/", {"username": username, "password": password})


def test_failed_logins_for_one_username_are_limited_the_right_password_included(operator):
    # given: five wrong passwords, from five addresses
    for _ in range(5):
        assert _login(_client(_address()), operator.email, "wrong").status_code == 200

    # when
    response = _login(_client(_address()), operator.email, PASSWORD)

    # then
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0 and b"Too many failed logins" in response.content


def test_failed_logins_from_one_address_are_limited_across_usernames(operator):
    client = _client(_address())
    statuses = [_login(client, f"nobody-{n}@ops.test", "wrong").status_code for n in range(20)]

    assert statuses == [200] * 20
    assert _login(client, operator.email, PASSWORD).status_code == 429
    assert _login(_client(_address()), operator.email, PASSWORD).status_code == 302


def test_successful_logins_do_not_count(operator):
    client = _client(_address())
    for _ in range(8):
        assert _login(client, operator.email, PASSWORD).status_code == 302
        client.logout()

    assert _login(client, operator.email, PASSWORD).status_code == 302


def test_the_thirty_wrong_passwords_of_the_issue_are_mostly_refused(operator):
    client = _client(_address())

    statuses = [_login(client, operator.email, f"guess-{n}").status_code for n in range(30)]

    assert statuses[:5] == [200] * 5 and statuses[5:] == [429] * 25


def test_the_login_page_itself_is_never_limited(operator):
    client = _client(_address())
    for _ in range(6):
        _login(client, operator.email, "wrong")

    assert client.get("/admin/login/").status_code == 200
