"""Browser-test helpers for the portal: a live platform process and a Playwright launcher.

- ``live_server(log_dir, mail_dir)``: the platform (uvicorn on ``openchance.asgi``, see
  ``api.testing.uvicorn_server``) on the test database and Redis, with every email written to
  ``mail_dir`` (Django's file backend) so a test can follow the links a person would get. What
  the server must see has to be committed: tests commit with ``django_db_blocker.unblock()`` and
  clean up themselves (conftest.py explains why ``live_server``/``transactional_db`` are not
  used).
- ``browser()``: Debian's chromium (``/usr/bin/chromium``; never ``playwright install``) through
  Playwright, sandbox and background networking off. Open it inside a test, not in a wider
  fixture: Playwright's sync API runs an event loop in the thread while it is open, and Django
  then refuses database access from that thread (``SynchronousOnlyOperation``).
- ``page_open(browser, allowed_hosts=…)``: a page that records every request and console error;
  ``assert_no_off_host_requests(page)`` fails when any request left the given hosts (no CDN,
  no font service, nothing from the internet) and ``assert_no_console_errors(page)`` when the
  console logged an error (a Content-Security-Policy violation logs one).
- ``screenshot(page, name)``: full-page PNGs in ``.artifacts/screenshots/`` (git-ignored).
- ``emails_in(mail_dir)`` / ``links_in_emails(mail_dir, to=…)``: what the server sent.
"""

import email
import re
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from api.testing import uvicorn_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update"]
SCREENSHOTS = Path(settings.BASE_DIR) / ".artifacts" / "screenshots"
_LINK = re.compile(r"https?://[^\s<>\"]+")


@contextmanager
def live_server(*, log_dir: Path, mail_dir: Path, **env):
    """Yields the port of a platform process whose mail goes to files in ``mail_dir``."""
    mail_dir.mkdir(parents=True, exist_ok=True)
    with uvicorn_server(
        log_dir=log_dir,
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(mail_dir),
        **env,
    ) as base_url:
        yield int(base_url.rsplit(":", 1)[1])


@contextmanager
def browser():
    """A headless chromium (skips the test when Playwright or chromium is missing)."""
    playwright = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing (make test installs it)")
    with playwright.sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


def page_open(launched, *, allowed_hosts: set[str], viewport=(1280, 900)):
    """A new page (own context: own cookies) that records off-host requests and console errors.

    ``allowed_hosts``: ``host:port`` values the page may talk to; mutate the set to add a host
    (e.g. a tenant's, once it exists)."""
    context = launched.new_context(viewport={"width": viewport[0], "height": viewport[1]})
    page = context.new_page()
    page.allowed_hosts = allowed_hosts
    page.off_host_requests = []
    page.console_errors = []

    def on_request(request):
        if urlsplit(request.url).netloc not in page.allowed_hosts:
            page.off_host_requests.append(request.url)

    page.on("request", on_request)
    page.on("console", lambda m: page.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    return page


def assert_no_off_host_requests(page) -> None:
    assert page.off_host_requests == [], f"requests off the host: {page.off_host_requests}"


def assert_no_console_errors(page) -> None:
    assert page.console_errors == [], f"console errors: {page.console_errors}"


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def emails_in(mail_dir: Path) -> list[email.message.Message]:
    """Every message the file backend wrote, oldest first (one file per connection may hold
    several messages, separated by a line of dashes)."""
    messages = []
    for path in sorted(mail_dir.glob("*.log"), key=lambda p: p.stat().st_mtime):
        for chunk in path.read_text().split("-" * 79):
            if chunk.strip():
                messages.append(email.message_from_string(chunk.strip()))
    return messages


def links_in_emails(mail_dir: Path, *, to: str) -> list[str]:
    links = []
    for message in emails_in(mail_dir):
        if to in message.get("To", ""):
            body = message.get_payload(decode=True)
            text = body.decode() if isinstance(body, bytes) else str(message.get_payload())
            links.extend(_LINK.findall(text))
    return links
