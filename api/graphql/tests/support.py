"""Test support for /v1/graphql: a client helper, REST-shaped conversion, the field lists."""

import json
import re

GRAPHQL = "/v1/graphql"

CHALLENGE_FIELDS = """id object livemode title summary description category tags skills
  reward { amount currency } deadline location remote maxApplications applicationCount status
  metadata createdAt updatedAt publishedAt closedAt awardedAt cancelledAt"""
APPLICATION_FIELDS = """id object livemode challengeId applicant { name email externalId } pitch
  links score status metadata createdAt updatedAt"""
MESSAGE_FIELDS = "id object livemode applicationId author body createdAt"
REVIEW_FIELDS = "id object livemode applicationId rating comment createdAt"
EVENT_FIELDS = "id object type createdAt livemode requestId data"
ENDPOINT_FIELDS = """id object url description events enabled disabledReason disabledAt livemode
  health { status failingSince lastSuccessAt lastFailureAt } createdAt updatedAt"""
DELIVERY_FIELDS = """id object endpointId eventId eventType status attempts nextAttemptAt
  lastAttemptAt lastStatusCode lastError succeededAt createdAt"""

# GraphQL's `<relation>Id` is REST's unexpanded `<relation>`.
_RENAMED = {
    "challenge_id": "challenge",
    "application_id": "application",
    "endpoint_id": "endpoint",
    "event_id": "event",
}


def gql(client, query: str, variables: dict | None = None, **headers):
    """POST a document; the Django test response."""
    body = {"query": query}
    if variables is not None:
        body["variables"] = variables
    return client.post(GRAPHQL, json.dumps(body), content_type="application/json", headers=headers)


def data(response) -> dict:
    """The ``data`` of a successful answer (asserting there are no errors)."""
    assert response.status_code == 200, response.content
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


def error(response, code: str, *, status: int | None = None) -> dict:
    """The one error of an answer, asserting its ``extensions.code`` (and HTTP status)."""
    if status is not None:
        assert response.status_code == status, response.content
    body = response.json()
    assert body.get("errors"), body
    first = body["errors"][0]
    assert first["extensions"]["code"] == code, body
    assert first["extensions"]["request_id"] == response["X-Request-Id"]
    return first


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def rest_shaped(value, *, top: bool = True):
    """A GraphQL object with REST's field names (camelCase → snake_case, ``<x>Id`` → ``<x>``);
    ``data`` and ``metadata`` are JSON values and are left as they are."""
    if isinstance(value, list):
        return [rest_shaped(item, top=False) for item in value]
    if not isinstance(value, dict):
        return value
    shaped = {}
    for key, item in value.items():
        name = _snake(key)
        name = _RENAMED.get(name, name)
        shaped[name] = item if key in ("data", "metadata") else rest_shaped(item, top=False)
    return shaped
