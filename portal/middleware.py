"""Security headers of every page (portal, public site, accounts): a Content-Security-Policy
without inline scripts, and the headers browsers expect alongside it.

Runs inside ``core.middleware.PageMiddleware`` (listed in ``PAGE_MIDDLEWARE``), so API calls under
``/v1/`` never pay for it. Django 5.2 has no CSP support of its own.

The policy allows only this origin's scripts, styles, images, fonts and connections — no inline
``<script>`` or ``style=""``, no CDN, no framing (``frame-ancestors 'none'`` beside
``X-Frame-Options: DENY``). Pages that bring their own inline code from a third-party package
(drf-spectacular's Swagger UI and Redoc, the Django admin) are listed in
``settings.CSP_EXEMPT_PATH_PREFIXES`` and keep X-Frame-Options only; a response that already
carries a Content-Security-Policy keeps its own.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
    ]
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.exempt_prefixes = tuple(getattr(settings, "CSP_EXEMPT_PATH_PREFIXES", ()))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path_info.startswith(self.exempt_prefixes):
            response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response
