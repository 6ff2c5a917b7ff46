"""RFC 9457 problem details: the one shape every error of the platform takes."""

from django.http import HttpRequest, JsonResponse

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "https://docs.openchance.dev/errors/"


def problem_body(
    *, status: int, code: str, title: str, detail: str, request: HttpRequest | None, **extra
) -> dict:
    body = {
        "type": f"{PROBLEM_TYPE_BASE}{code}",
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
        "request_id": getattr(request, "request_id", None),
    }
    body.update(extra)
    return body


def problem_response(
    *,
    status: int,
    code: str,
    title: str,
    detail: str,
    request: HttpRequest | None = None,
    headers: dict[str, str] | None = None,
    **extra,
) -> JsonResponse:
    body = problem_body(
        status=status, code=code, title=title, detail=detail, request=request, **extra
    )
    return JsonResponse(body, status=status, content_type=PROBLEM_CONTENT_TYPE, headers=headers)
