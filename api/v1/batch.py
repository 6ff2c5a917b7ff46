"""``POST /v1/batch``: up to 100 /v1 operations in one HTTP request.

Each operation is dispatched through the same URLconf and views as a standalone call — same
authentication, scope check, rate limiting and validation — and is metered as one call by the
gateway; the batch envelope itself is logged but not billed. Operations run in order; each gets
its own ``status`` and ``body``.

``"atomic": true`` runs them in one database transaction: if any operation answers ≥ 400, the
transaction rolls back (events included) and the response says ``"committed": false``; the
failing operation keeps its answer, those before it are reported as ``424 rolled_back`` and those
after it as ``424 not_executed``.
"""

import io
import json
from urllib.parse import urlsplit

from django.core.handlers.wsgi import WSGIRequest
from django.db import transaction
from django.urls import Resolver404, resolve
from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import serializers

from api.bases import ApiView
from api.idempotency import idempotent
from api.responses import Response
from api.v1 import serializers as io_serializers
from core.context import request_context_bound
from core.problems import PROBLEM_TYPE_BASE

# Request headers an operation inherits from the batch request (the rest is its own).
_DROPPED_META = ("HTTP_IDEMPOTENCY_KEY", "CONTENT_LENGTH", "CONTENT_TYPE", "QUERY_STRING")


class _Rollback(Exception):
    pass


def _problem(status: int, code: str, title: str, detail: str, request_id: str) -> dict:
    return {
        "type": f"{PROBLEM_TYPE_BASE}{code}",
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
        "request_id": request_id,
    }


def _operation_request(batch_request, index: int, operation: dict) -> WSGIRequest:
    """A standalone request for one operation, carrying the batch request's credentials."""
    parts = urlsplit(operation["path"])
    body = b""
    if operation.get("body") is not None:
        body = json.dumps(operation["body"]).encode()
    environ = {
        key: value
        for key, value in batch_request.META.items()
        if key not in _DROPPED_META and not key.startswith("wsgi.")
    }
    environ.update(
        {
            "REQUEST_METHOD": operation["method"],
            "PATH_INFO": parts.path,
            "SCRIPT_NAME": "",
            "QUERY_STRING": parts.query,
            "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body),
            "wsgi.url_scheme": batch_request.scheme,
        }
    )
    request = WSGIRequest(environ)
    # What the middleware set on the batch request applies to each operation too.
    # The host's tenant (the gateway replaced request.tenant by the key's live or sandbox row).
    request.tenant = (
        batch_request.api_key.organisation if batch_request.host_kind == "tenant" else None
    )
    request.host_kind = batch_request.host_kind
    request.urlconf = getattr(batch_request, "urlconf", None)
    request.request_id = f"{batch_request.request_id}_{index}"
    request.client_request_id = getattr(batch_request, "client_request_id", "")
    return request


def _dispatch(batch_request, index: int, operation: dict) -> tuple[int, dict]:
    request = _operation_request(batch_request, index, operation)
    path = request.path_info
    if path.rstrip("/") == "/v1/batch":
        return 400, _problem(
            400, "nested_batch", "Nested batch", "A batch cannot contain /v1/batch.",
            request.request_id,
        )  # fmt: skip
    try:
        match = resolve(path, urlconf=request.urlconf)
    except Resolver404:
        return 404, _problem(
            404, "not_found", "Not found", f"No route matches {operation['method']} {path}.",
            request.request_id,
        )  # fmt: skip
    request.resolver_match = match
    # Each operation is a request of its own: its events carry its request id.
    with request_context_bound(request_id=request.request_id):
        response = match.func(request, *match.args, **match.kwargs)
    data = getattr(response, "data", None)
    if data is None:
        content = getattr(response, "content", b"")
        data = json.loads(content) if content else None
    return response.status_code, data


BATCH_RESULT = inline_serializer(
    "BatchResult",
    {
        "object": serializers.ChoiceField(choices=["batch"]),
        "atomic": serializers.BooleanField(),
        "committed": serializers.BooleanField(
            help_text="False when an atomic batch failed and nothing took effect."
        ),
        "results": inline_serializer(
            "BatchOperationResult",
            {
                "status": serializers.IntegerField(help_text="The operation's HTTP status."),
                "body": serializers.JSONField(
                    help_text="The operation's response body (a problem when status ≥ 400)."
                ),
            },
            many=True,
        ),
    },
)


class BatchView(ApiView):
    scope_family = None  # each operation checks the scope it needs

    @extend_schema(
        tags=["Batch"],
        operation_id="batch_create",
        summary="Run up to 100 operations",
        description=__doc__.split("\n", 2)[2],
        request=io_serializers.BatchSerializer,
        responses={200: BATCH_RESULT},
        examples=[
            OpenApiExample(
                "Create and publish",
                request_only=True,
                value={
                    "atomic": True,
                    "operations": [
                        {"method": "POST", "path": "/v1/challenges", "body": {"title": "A"}},
                        {"method": "GET", "path": "/v1/challenges?limit=5"},
                    ],
                },
            )
        ],
    )
    @idempotent
    def post(self, request):
        body = io_serializers.BatchSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        operations = body.validated_data["operations"]
        atomic = body.validated_data["atomic"]
        batch_request = request._request
        results: list[dict] = []
        if not atomic:
            for index, operation in enumerate(operations):
                status, data = _dispatch(batch_request, index, operation)
                results.append({"status": status, "body": data})
            return Response(
                {"object": "batch", "atomic": False, "committed": True, "results": results}
            )
        failed_at = None
        try:
            with transaction.atomic():
                for index, operation in enumerate(operations):
                    status, data = _dispatch(batch_request, index, operation)
                    results.append({"status": status, "body": data})
                    if status >= 400:
                        failed_at = index
                        raise _Rollback
        except _Rollback:
            pass
        if failed_at is None:
            return Response(
                {"object": "batch", "atomic": True, "committed": True, "results": results}
            )
        request_id = batch_request.request_id
        for index in range(failed_at):
            results[index] = {
                "status": 424,
                "body": _problem(
                    424,
                    "rolled_back",
                    "Rolled back",
                    f"Rolled back because operation {failed_at} failed.",
                    f"{request_id}_{index}",
                ),  # fmt: skip
            }
        for index in range(failed_at + 1, len(operations)):
            results.append(
                {
                    "status": 424,
                    "body": _problem(
                        424,
                        "not_executed",
                        "Not executed",
                        f"Not run because operation {failed_at} failed.",
                        f"{request_id}_{index}",
                    ),  # fmt: skip
                }
            )
        return Response({"object": "batch", "atomic": True, "committed": False, "results": results})

    def gateway_exit(self, request, response, started: float) -> None:
        # Each operation was metered (and billed) as a call of its own; log the envelope only.
        self.limit_result = None
        super().gateway_exit(request, response, started)
