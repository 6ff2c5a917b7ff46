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


@pytest.fixture
def api(api_client):
    """The tenant's (alpha's) live key on its own host."""
    from api.v1.tests.support import Api

    return Api(api_client)


@pytest.fixture
def sandbox_api(sandbox_api_client):
    from api.v1.tests.support import Api

    return Api(sandbox_api_client)


@pytest.fixture
def outsider_api_host(api_client_factory, other_live_key):
    """Beta's live key on the shared API host: it lands in beta's schema."""
    from django.conf import settings

    from api.v1.tests.support import Api

    return Api(api_client_factory(other_live_key, host=f"api.{settings.BASE_DOMAIN}"))
