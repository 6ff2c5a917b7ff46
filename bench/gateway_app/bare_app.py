"""WSGI (``application``) and ASGI (``asgi_application``) entry points of the bare DRF view."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.gateway_app.bare_settings")

from django.core.asgi import get_asgi_application  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
asgi_application = get_asgi_application()
