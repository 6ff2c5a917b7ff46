"""``/v1/graphql``: the GraphQL endpoint — the GraphQL face of ``api.bases.ApiView`` — and
GraphiQL for browsers.

- ``POST`` with ``{"query", "variables", "operationName"}`` (JSON) runs queries and mutations;
  ``GET ?query=…&variables=…`` runs queries only (a mutation over GET is 405).
- A browser's ``GET`` (``Accept: text/html``, no ``query``) gets GraphiQL from vendored assets:
  a page with no data, served without a key like the REST docs.

The gateway is ``ApiView``'s, unchanged: the key, tenant and live/sandbox schema, the plan's
rate limit and quota, the Content-Length and query-string checks, and the metering of the
request as one call on the route ``/v1/graphql`` (status 200 for an executed document, its
errors included; 4xx for a refused one). Two things are GraphQL's own:

- ``cost``: the tokens the gateway takes are the document's computed cost
  (``api.graphql.cost``). ``ApiView.gateway_enter`` reads ``self.cost`` right after it verified
  the key, so the property knows the key's plan: a cost above the plan's burst (more than its
  bucket can ever hold) takes 1 token and is answered ``query_cost_exceeded``.
- errors: every refusal — the gateway's (401, 403, 429 …) and the document's — is answered
  ``{"errors": [{"message", "extensions": {"code", "status", …}}]}`` with the HTTP status REST
  would use, the codes and extra members of the REST problem in ``extensions``.

The request is parsed and costed once the key is verified (in ``cost``), and a malformed one
is refused after the gateway's checks, so that it is authenticated, limited and metered like any
call — and an unauthenticated client costs no parsing.
``Idempotency-Key`` works as in REST (``api.idempotency``): same key and same body replays the
first answer; only answers without errors are kept.
"""

import logging

from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from rest_framework.exceptions import MethodNotAllowed, ParseError
from rest_framework.response import Response

from api.bases import ApiView
from api.exceptions import problem_exception_handler
from api.graphql.context import GraphQLContext
from api.graphql.errors import GraphQLRequestError, error_format
from api.graphql.schema import PreparedRequest, request_execute, request_prepare
from api.idempotency import idempotent
from billing.selectors import plans_public
from core.safejson import UnsafeJsonError, json_loads_safe

logger = logging.getLogger(__name__)

MAX_VARIABLES_DEPTH = 16


class QueryCostExceededError(GraphQLRequestError):
    code = "query_cost_exceeded"
    title = "Query too expensive"


class _AnswerWithErrors(Exception):  # noqa: N818 - a control-flow carrier, not an error
    """Carries an answer holding errors past ``@idempotent`` so that it is not stored."""

    def __init__(self, response):
        self.response = response


def _upgrade_for(tokens: int) -> dict | None:
    return next((plan for plan in plans_public() if plan["burst"] >= tokens), None)


def graphql_errors_response(problem: Response) -> Response:
    """A problem response as a GraphQL error body (same status and headers)."""
    body = problem.data or {}
    extensions = {
        key: value
        for key, value in body.items()
        if key not in ("type", "title", "detail", "instance")
    }
    response = Response(
        {"errors": [{"message": body.get("detail", ""), "extensions": extensions}]},
        status=problem.status_code,
    )
    for name, value in problem.items():
        if name.lower() != "content-type":
            response[name] = value
    return response


def _graphql_exception_handler(exc, context):
    return graphql_errors_response(problem_exception_handler(exc, context))


class GraphQLView(ApiView):
    http_method_names = ["get", "post"]
    prepared: PreparedRequest | None = None
    refusal: Exception | None = None
    variables: dict | None = None
    operation_name: str | None = None

    # --- before the gateway

    def initial(self, request, *args, **kwargs):
        self.prepared, self.refusal, self.is_prepared = None, None, False
        super().initial(request, *args, **kwargs)

    def _prepare(self, request) -> None:
        if request.method == "GET":
            params = request._request.GET
            payload = {
                "query": params.get("query"),
                "variables": params.get("variables"),
                "operationName": params.get("operationName"),
            }
            if isinstance(payload["variables"], str):
                try:
                    payload["variables"] = json_loads_safe(
                        payload["variables"], max_depth=MAX_VARIABLES_DEPTH
                    )
                except (UnsafeJsonError, ValueError):
                    raise GraphQLRequestError(
                        "'variables' is not a JSON object.", code="graphql_bad_request"
                    ) from None
        else:
            payload = request.data  # SafeJSONParser: ParseError (invalid_json) when malformed
        if not isinstance(payload, dict):
            raise GraphQLRequestError(
                'Send a JSON object: {"query": "…", "variables": {…}, "operationName": "…"}.',
                code="graphql_bad_request",
            )
        variables = payload.get("variables")
        operation_name = payload.get("operationName")
        if variables is not None and not isinstance(variables, dict):
            raise GraphQLRequestError("'variables' must be an object.", code="graphql_bad_request")
        if operation_name is not None and not isinstance(operation_name, str):
            raise GraphQLRequestError(
                "'operationName' must be a string.", code="graphql_bad_request"
            )
        self.variables, self.operation_name = variables, operation_name
        self.prepared = request_prepare(
            payload.get("query"), variables=variables, operation_name=operation_name
        )
        if request.method == "GET" and not self.prepared.is_query:
            raise MethodNotAllowed("GET", detail="Only queries run over GET; POST mutations.")

    @property
    def cost(self) -> int:
        """The tokens this request takes (read by ``ApiView.gateway_enter`` once the key is
        verified, see module). The body is parsed, validated and costed here, i.e. only for a
        verified key: an unauthenticated client costs no parsing."""
        if not self.is_prepared:
            self.is_prepared = True
            try:
                self._prepare(self.request)
            except (GraphQLRequestError, ParseError, MethodNotAllowed) as error:
                self.refusal = error
        if self.prepared is None or self.refusal is not None:
            return 1
        tokens = self.prepared.cost.tokens
        burst = self.api_context.plan.burst if self.api_context is not None else None
        if burst is not None and tokens > burst:
            upgrade = _upgrade_for(tokens)
            lift = f" The {upgrade['name']} plan allows it." if upgrade else ""
            self.refusal = QueryCostExceededError(
                f"The query costs {tokens} tokens; the {self.api_context.plan.name} plan allows "
                f"at most {burst} per request. Ask for smaller pages (first/last) or fewer "
                f"nested connections.{lift}",
                cost=tokens,
                max_cost=burst,
                plan=self.api_context.plan.code,
                upgrade_plan=upgrade["code"] if upgrade else None,
            )
            return 1
        return tokens

    def get_exception_handler(self):
        return _graphql_exception_handler

    # --- handlers

    def get(self, request):
        return self._answer(request)

    def post(self, request):
        try:
            return self._post_idempotent(request)
        except _AnswerWithErrors as carried:
            return carried.response

    @idempotent
    def _post_idempotent(self, request):
        response = self._answer(request)
        if "errors" in response.data:
            raise _AnswerWithErrors(response)
        return response

    def _answer(self, request) -> Response:
        if self.refusal is not None:
            raise self.refusal
        prepared = self.prepared
        if prepared.is_subscription:
            raise GraphQLRequestError(
                "Subscriptions run over WebSocket (graphql-transport-ws) at /v1/graphql.",
                code="graphql_bad_request",
            )
        context = GraphQLContext(
            api_key=request.api_key, limit_result=self.limit_result, request=request
        )
        # GET runs queries only: ``_prepare`` refused anything else (405), POST refused
        # subscriptions above.
        result = request_execute(
            prepared, context=context, variables=self.variables, operation_name=self.operation_name
        )
        request_id = getattr(request._request, "request_id", "")
        body: dict = {}
        if result.errors:
            body["errors"] = [error_format(error, request_id=request_id) for error in result.errors]
        body["data"] = result.data
        # A document that did not run (variables of the wrong type…) is a 400; one that ran is a
        # 200 whatever its fields' errors (their REST status is in extensions.status).
        ran = result.data is not None or any(error.path for error in result.errors or ())
        status = 200 if ran else 400
        response = Response(body, status=status)
        response["X-GraphQL-Cost"] = str(prepared.cost.tokens)
        return response


_graphql_api_view = GraphQLView.as_view()

# GraphiQL's page: scripts from this origin only (no inline script); React sets inline styles.
GRAPHIQL_CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
    ]
)


def _wants_html(request) -> bool:
    accept = request.META.get("HTTP_ACCEPT", "")
    return request.method == "GET" and "text/html" in accept and "query" not in request.GET


@csrf_exempt
def graphql_endpoint(request, *args, **kwargs):
    """GraphiQL for a browser, the API for everything else (see module)."""
    if _wants_html(request):
        response = render(request, "graphql/graphiql.html", {"endpoint": request.path})
        response["Content-Security-Policy"] = GRAPHIQL_CONTENT_SECURITY_POLICY
        response["X-Frame-Options"] = "DENY"
        return response
    return _graphql_api_view(request, *args, **kwargs)
