"""Project-wide views of the composition root: problem+json error views (``handler400``/``403``/
``404``/``500`` of every URLconf) and the operator admin's login with a failed-login throttle.
"""

import logging

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.html import escape
from django_ratelimit.core import get_usage

from core.problems import problem_response

logger = logging.getLogger(__name__)


def bad_request(request: HttpRequest, exception=None) -> JsonResponse:
    return problem_response(
        status=400,
        code="bad_request",
        title="Bad request",
        detail="The request could not be understood.",
        request=request,
    )


def permission_denied(request: HttpRequest, exception=None) -> JsonResponse:
    return problem_response(
        status=403,
        code="permission_denied",
        title="Permission denied",
        detail="You may not do this.",
        request=request,
    )


def not_found(request: HttpRequest, exception=None) -> JsonResponse:
    return problem_response(
        status=404,
        code="not_found",
        title="Not found",
        detail=f"No route matches {request.method} {request.path}.",
        request=request,
    )


def server_error(request: HttpRequest) -> JsonResponse:
    return problem_response(
        status=500,
        code="internal_error",
        title="Internal server error",
        detail="Something went wrong on our side; the request id identifies it in our logs.",
        request=request,
    )


# --- Operator admin login: failed attempts are limited per client address and per username
# (django-ratelimit, fixed windows in the django-redis cache). Only failures count, so an
# operator who logs in is never slowed down; once a limit is reached every attempt is refused,
# the right password included, until the window ends.

ADMIN_LOGIN_GROUP = "openchance.admin_login_failures"


def _admin_login_username(_group, request) -> str:
    return request.POST.get("username", "").strip().lower()[:254]


def _admin_login_limits() -> tuple[tuple[str, object], ...]:
    return (
        (getattr(settings, "ADMIN_LOGIN_FAILURES_PER_ADDRESS", "20/15m"), "ip"),
        (getattr(settings, "ADMIN_LOGIN_FAILURES_PER_USERNAME", "5/15m"), _admin_login_username),
    )


def _admin_login_failures(request: HttpRequest, *, increment: bool) -> int | None:
    """Seconds until the attempts may resume when a limit is reached, else None. Counts one more
    failure when ``increment``. The cache failing means no limit (logged), like the API's limits:
    an outage must not lock the operators out."""
    for rate, key in _admin_login_limits():
        try:
            usage = get_usage(
                request, group=ADMIN_LOGIN_GROUP, key=key, rate=rate, increment=increment
            )
        except Exception:  # noqa: BLE001 - Redis unreachable: fail open
            logger.warning("admin login throttle unavailable (cache error)", exc_info=True)
            return None
        if usage is not None and not increment and usage["count"] >= usage["limit"]:
            return max(1, usage["time_left"])
    return None


def admin_login(request: HttpRequest, extra_context=None) -> HttpResponse:
    """``admin.site.login`` behind the failed-login throttle (see above)."""
    if request.method == "POST":
        retry_after = _admin_login_failures(request, increment=False)
        if retry_after is not None:
            return _admin_login_refused(retry_after)
    response = admin.site.login(request, extra_context=extra_context)
    if request.method == "POST" and not (
        response.status_code == 302 and request.user.is_authenticated
    ):
        _admin_login_failures(request, increment=True)
    return response


def _admin_login_refused(retry_after: int) -> HttpResponse:
    minutes = max(1, round(retry_after / 60))
    page = (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        "<title>Too many failed logins</title></head><body>"
        "<h1>Too many failed logins</h1>"
        f"<p>Login is paused for this address or account; try again in about {escape(minutes)} "
        "minute(s).</p></body></html>"
    )
    return HttpResponse(page, status=429, headers={"Retry-After": str(retry_after)})
