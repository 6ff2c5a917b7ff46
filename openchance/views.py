"""Project-wide error views: problem+json instead of Django's HTML pages."""

from django.http import HttpRequest, JsonResponse

from core.problems import problem_response


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
