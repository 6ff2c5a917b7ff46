"""``Response``: DRF's ``Response``, made without the three constructors it chains.

``rest_framework.response.Response(data)`` runs ``SimpleTemplateResponse.__init__``, then
``HttpResponse.__init__`` (which sets an empty body through its ``content`` setter), then
``HttpResponseBase.__init__`` (the headers mapping, the default ``Content-Type`` through the
header setter, the status's checks): ~15 µs of a /v1/me call that renders its body once, later,
as DRF does. This subclass sets the very same attributes directly for the plain case — data and
an optional status, which is what the hot routes return — and leaves every other case (headers,
a template, a content type, an exception) to DRF's constructor. ``api/tests/test_responses.py``
holds every attribute equal to DRF's own, so a Django or DRF upgrade that adds one fails there
rather than here.
"""

from http.cookies import SimpleCookie

from django.conf import settings
from django.http.response import ResponseHeaders
from rest_framework import response as drf_response
from rest_framework.serializers import Serializer


class Response(drf_response.Response):
    def __init__(
        self,
        data=None,
        status=None,
        template_name=None,
        headers=None,
        exception=False,
        content_type=None,
    ):
        if (
            template_name is not None
            or headers
            or exception
            or content_type is not None
            or isinstance(data, Serializer)  # DRF's constructor explains the mistake
            or (status is not None and type(status) is not int)
        ):
            super().__init__(data, status, template_name, headers, exception, content_type)
            return
        if status is not None and not 100 <= status <= 599:
            raise ValueError("HTTP status code must be an integer from 100 to 599.")
        # HttpResponseBase.__init__
        headers_store = ResponseHeaders(None)
        headers_store._store["content-type"] = (
            "Content-Type",
            f"text/html; charset={settings.DEFAULT_CHARSET}",
        )
        self.headers = headers_store
        self._charset = None
        self._resource_closers = []
        self._handler_class = None
        self.cookies = SimpleCookie()
        self.closed = False
        if status is not None:
            self.status_code = status
        self._reason_phrase = None
        # HttpResponse.__init__ (an empty body, as its content setter stores b"")
        self._container = [b""]
        # SimpleTemplateResponse.__init__ (template None)
        self.template_name = None
        self.context_data = None
        self.using = None
        self._post_render_callbacks = []
        self._request = None
        self._is_rendered = False
        # Response.__init__
        self.data = data
        self.exception = False
        self.content_type = None
