"""ASGI entry point: HTTP through Django (WebSockets join here later)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openchance.settings")
application = get_asgi_application()
