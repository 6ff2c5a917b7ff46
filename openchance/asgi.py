"""ASGI entry point: HTTP through Django, WebSockets (``/v1/ws``) through Channels (``api.ws``)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openchance.settings")
# Set up Django (apps, settings) before importing anything that touches models.
django_application = get_asgi_application()

from channels.routing import ProtocolTypeRouter  # noqa: E402

from api.ws import websocket_application  # noqa: E402

application = ProtocolTypeRouter({"http": django_application, "websocket": websocket_application()})
