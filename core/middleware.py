"""Request ids: every request gets one, and every response carries it as ``X-Request-Id``."""

import re
import uuid

from django.http import HttpRequest, HttpResponse

# A caller may pass its own id (e.g. from a load balancer); anything odd is replaced, not echoed.
_ACCEPTABLE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-Id", "")
        if _ACCEPTABLE_REQUEST_ID.match(incoming):
            request.request_id = incoming
        else:
            request.request_id = f"req_{uuid.uuid4().hex}"
        response = self.get_response(request)
        response["X-Request-Id"] = request.request_id
        return response
