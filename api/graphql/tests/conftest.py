import pytest

from webhooks.testing import WebhookSink


@pytest.fixture
def allow_sink(settings):
    """A real HTTP receiver on 127.0.0.1 whose private address webhooks may reach."""
    receiver = WebhookSink()
    settings.WEBHOOK_ALLOWED_PRIVATE_HOSTS = [receiver.host]
    yield receiver
    receiver.close()
