"""Template context of every page: links that differ per deployment (BASE_DOMAIN, port)."""

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict:
    host = request.get_host()
    port = host.rsplit(":", 1)[1] if ":" in host and not host.endswith("]") else ""
    suffix = f":{port}" if port else ""
    scheme = "https" if request.is_secure() else "http"
    return {
        "base_domain": settings.BASE_DOMAIN,
        "public_site_url": f"{scheme}://{settings.BASE_DOMAIN}{suffix}/",
        # The API reference (Swagger UI, Redoc) on the shared API host.
        "site_docs_url": f"{scheme}://api.{settings.BASE_DOMAIN}{suffix}/docs/",
    }
