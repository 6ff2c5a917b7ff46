import pytest

from webhooks.testing import WebhookSink


@pytest.fixture
def sink():
    """A real HTTP receiver on 127.0.0.1 (see webhooks.testing)."""
    receiver = WebhookSink()
    yield receiver
    receiver.close()


@pytest.fixture
def allow_sink(settings, sink):
    """Allow the sink's private address, as WEBHOOK_ALLOWED_PRIVATE_HOSTS would."""
    settings.WEBHOOK_ALLOWED_PRIVATE_HOSTS = [sink.host]
    return sink
