"""Page middleware (sessions, CSRF, auth, messages, frame options, static files, CommonMiddleware)
runs for pages and is skipped by API calls (``core.middleware.PageMiddleware``)."""

import uuid

import pytest
from django.conf import settings
from django.test import Client

from tenants.models import User

pytestmark = pytest.mark.django_db


def _page_client(**kwargs) -> Client:
    return Client(HTTP_HOST=settings.BASE_DOMAIN, **kwargs)


def test_pages_keep_sessions_csrf_and_frame_options():
    # given
    client = _page_client(enforce_csrf_checks=True)

    # when
    page = client.get("/admin/login/")
    refused = client.post("/admin/login/", {"username": "x", "password": "y"})

    # then: the form page sets the CSRF cookie and frames are refused; a POST without the token
    # is refused by CsrfViewMiddleware's process_view, run through PageMiddleware
    assert page.status_code == 200
    assert settings.CSRF_COOKIE_NAME in page.cookies
    assert page["X-Frame-Options"] == "DENY"
    assert refused.status_code == 403


def test_a_page_login_still_makes_a_session():
    password = "page-password-1"  # noqa: S105 - a test persona
    user = User.objects.create_superuser(
        email=f"pm-{uuid.uuid4().hex[:8]}@ops.test", password=password
    )
    client = _page_client()

    response = client.post("/admin/login/", {"username": user.email, "password": password})

    assert response.status_code == 302, response.content[:300]
    assert settings.SESSION_COOKIE_NAME in response.cookies
    assert client.get("/admin/").status_code == 200


def test_a_page_with_a_missing_slash_is_still_redirected():
    # CommonMiddleware's APPEND_SLASH, for pages only.
    response = _page_client().get("/admin")

    assert response.status_code == 301 and response["Location"] == "/admin/"


def test_api_calls_skip_the_page_middleware_and_carry_content_length(api_client):
    response = api_client.get("/v1/me", HTTP_COOKIE=f"{settings.SESSION_COOKIE_NAME}=forged")

    assert response.status_code == 200
    assert not response.cookies
    assert "X-Frame-Options" not in response and "Cookie" not in response.get("Vary", "")
    assert response["Content-Length"] == str(len(response.content))
    assert response["X-Request-Id"].startswith("req_")


@pytest.mark.parametrize("path", ["/livez", "/healthz"])
def test_probes_carry_content_length(path):
    response = Client(HTTP_HOST="anything.example").get(path)

    assert response["Content-Length"] == str(len(response.content))
