"""Test support for billing: a real localstripe server in its own process (``LocalStripe``).

localstripe is GPL-3.0 and a dev requirement: it runs as a separate program
(``billing/localstripe_server.py``, its test-only wrapper) and nothing here imports it. What the
wrapper patches in for dj-stripe and for Stripe behaviours localstripe lacks is listed in its
module docstring.
"""

import subprocess
import sys
import time
from pathlib import Path

import httpx

from api.testing import free_port

BASE_DIR = Path(__file__).resolve().parent.parent
# Any key of this shape is accepted by localstripe; dj-stripe wants "sk_test_" + 24 or more.
TEST_SECRET_KEY = "sk_test_openchance0localstripe0000000000"  # noqa: S105 - a fake's key
WEBHOOK_SECRET = "whsec_openchance_localstripe_test_secret"  # noqa: S105 - a fake's secret


class LocalStripe:
    """localstripe on ``127.0.0.1:<port>``, its state in ``directory`` (so ``stop()`` then
    ``start()`` is an outage that loses nothing, like Stripe's). ``webhook_register`` makes it
    sign and POST every event to a URL; registrations are renewed at every start."""

    secret_key = TEST_SECRET_KEY

    def __init__(self, directory: Path, *, port: int | None = None):
        self.directory = directory
        self.port = port or free_port()
        self.state_file = directory / f"localstripe-{self.port}.pickle"
        self.log_file = directory / f"localstripe-{self.port}.log"
        self.process: subprocess.Popen | None = None
        self._webhooks: dict[str, dict] = {}

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, *, timeout: float = 30) -> None:
        with open(self.log_file, "ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own fixed command line
                [
                    sys.executable, "-m", "billing.localstripe_server",
                    "--port", str(self.port), "--state", str(self.state_file),
                ],
                cwd=BASE_DIR,
                stdout=log,
                stderr=subprocess.STDOUT,
            )  # fmt: skip
        deadline = time.monotonic() + timeout
        while True:
            try:
                response = httpx.get(
                    f"{self.url}/v1/account",
                    headers={"Authorization": f"Bearer {TEST_SECRET_KEY}"},
                    timeout=2,
                )
                if response.status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"localstripe did not start:\n{self.log_file.read_text()}")
            time.sleep(0.1)
        for webhook_id, webhook in self._webhooks.items():
            self._webhook_post(webhook_id, webhook)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self.process = None

    @property
    def is_running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def webhook_register(
        self, url: str, *, secret: str = WEBHOOK_SECRET, webhook_id: str = "openchance"
    ) -> None:
        """Every event localstripe makes is signed with ``secret`` and POSTed to ``url``."""
        self._webhooks[webhook_id] = {"url": url, "secret": secret}
        self._webhook_post(webhook_id, self._webhooks[webhook_id])

    def webhook_unregister(self, *, webhook_id: str = "openchance") -> None:
        """Stop sending events there (localstripe cannot forget a webhook: it is left
        subscribed to no event type)."""
        if self._webhooks.pop(webhook_id, None) is not None and self.is_running:
            self._webhook_post(
                webhook_id, {"url": "http://127.0.0.1:9/", "secret": "none", "events": []}
            )

    def _webhook_post(self, webhook_id: str, webhook: dict) -> None:
        response = httpx.post(f"{self.url}/_config/webhooks/{webhook_id}", json=webhook)
        response.raise_for_status()

    def requests(self) -> list[dict]:
        """The API requests served since the process started: method, path, idempotency key,
        status (and ``replayed`` when an Idempotency-Key replayed the first answer)."""
        return httpx.get(f"{self.url}/_config/requests").json()

    def fault(self, *, status: int, count: int = 1, path: str = "/v1/") -> None:
        """The next ``count`` API requests under ``path`` answer ``status``."""
        httpx.post(
            f"{self.url}/_config/faults", json={"status": status, "count": count, "path": path}
        ).raise_for_status()

    def flush(self) -> None:
        """Forget every object (customers, invoices, idempotency keys); webhooks stay."""
        httpx.delete(f"{self.url}/_config/data").raise_for_status()
        httpx.delete(f"{self.url}/_config/requests").raise_for_status()

    def flush_faults(self) -> None:
        httpx.delete(f"{self.url}/_config/faults").raise_for_status()

    def settings_overrides(self) -> dict:
        """The Django settings that point billing.stripe (and dj-stripe) of this process at the
        server (apply them with pytest-django's ``settings``; ``stripe.api_base`` follows at
        the next call, ``billing.stripe.client.stripe_configure``)."""
        return {
            "STRIPE_TEST_SECRET_KEY": TEST_SECRET_KEY,
            "STRIPE_LIVE_MODE": False,
            "STRIPE_API_HOST": self.url,
        }

    def environment(self) -> dict[str, str]:
        """Environment variables that point a server or worker process at this server."""
        return {"STRIPE_API_HOST": self.url, "STRIPE_TEST_SECRET_KEY": TEST_SECRET_KEY}
