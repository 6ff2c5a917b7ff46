"""``fields`` on every route that returns one marketplace object — retrieve, create, update and the
state actions — works as on lists: only the fields asked for, ``id`` and ``object`` always, an
unknown field a 400 that changes nothing; and each such route documents the parameter.

The routes come from the published OpenAPI document (each marketplace operation whose success
response is one object), so a new one must document ``fields`` and get a way to call it
successfully in ``CALLS`` or this module fails.
"""

import functools

import pytest
from django.db import connection
from drf_spectacular.generators import SchemaGenerator

from api.v1.tests.support import Api, problem
from events.models import Event
from marketplace.models import Application, Challenge, Message, Review

MARKETPLACE = ("/v1/challenges", "/v1/applications", "/v1/messages", "/v1/reviews")


@functools.cache
def _document() -> dict:
    return SchemaGenerator(urlconf="api.v1.schema_urls").get_schema(request=None, public=True)


def _schema(reference: dict) -> dict:
    return _document()["components"]["schemas"][reference["$ref"].rsplit("/", 1)[-1]]


def _object_operations() -> dict[str, tuple[str, str, dict]]:
    """operationId → (method, path, operation) of every marketplace operation answering one
    object (not a list; a DELETE answers a deletion stub, not the object)."""
    found = {}
    for path, item in _document()["paths"].items():
        if not path.startswith(MARKETPLACE):
            continue
        for method, operation in item.items():
            if method not in ("get", "post", "patch") or not isinstance(operation, dict):
                continue
            for status, response in operation["responses"].items():
                schema = response.get("content", {}).get("application/json", {}).get("schema")
                if status.startswith("2") and schema and "data" not in _properties(schema):
                    found[operation["operationId"]] = (method, path, operation)
    return found


def _properties(schema: dict) -> dict:
    resolved = _schema(schema) if "$ref" in schema else schema
    if "anyOf" in resolved:
        return _properties(resolved["anyOf"][0])
    return resolved.get("properties", {})


OPERATIONS = _object_operations()


def _fresh_draft(api: Api) -> dict:
    return {"chl": api.challenge()["id"]}


def _open_challenge(api: Api) -> dict:
    return {"chl": api.open_challenge()["id"]}


def _submitted(api: Api) -> dict:
    challenge = api.open_challenge()
    return {"chl": challenge["id"], "app": api.application(challenge["id"])["id"]}


def _shortlisted(api: Api) -> dict:
    ids = _submitted(api)
    assert api.post(f"/v1/applications/{ids['app']}/shortlist").status_code == 200
    return ids


def _accepted(api: Api) -> dict:
    challenge = api.open_challenge()
    return {"chl": challenge["id"], "app": api.accepted_application(challenge["id"])["id"]}


def _closed_with_accepted(api: Api) -> dict:
    ids = _accepted(api)
    assert api.post(f"/v1/challenges/{ids['chl']}/close").status_code == 200
    return ids


def _everything(api: Api) -> dict:
    return api.one_of_each()


# operationId → (prepare the objects the call needs → their ids, the body to send)
CALLS = {
    "challenges_create": (lambda api: {}, {"title": "Shaped"}),
    "challenges_retrieve": (_fresh_draft, None),
    "challenges_update": (_fresh_draft, {"title": "Renamed"}),
    "challenges_publish": (_fresh_draft, None),
    "challenges_close": (_open_challenge, None),
    "challenges_award": (_closed_with_accepted, None),
    "challenges_cancel": (_fresh_draft, None),
    "challenge_applications_create": (
        _open_challenge,
        {"applicant": {"name": "Bo", "email": "bo@example.com"}},
    ),
    "applications_retrieve": (_submitted, None),
    "applications_update": (_submitted, {"score": 7}),
    "applications_shortlist": (_submitted, None),
    "applications_accept": (_shortlisted, None),
    "applications_reject": (_submitted, None),
    "applications_withdraw": (_submitted, None),
    "application_messages_create": (_submitted, {"author": "organisation", "body": "Hi"}),
    "messages_retrieve": (_everything, None),
    "reviews_create": (_accepted, {"rating": 5}),
    "reviews_retrieve": (_everything, None),
}
PATH_IDS = {"challenge_id": "chl", "application_id": "app", "message_id": "msg", "review_id": "rev"}


def _prepare(api: Api, operation_id: str) -> dict:
    """Create what the operation needs to succeed; the ids by prefix."""
    return CALLS[operation_id][0](api)


def _call(api: Api, operation_id: str, ids: dict, **query):
    method, path, _ = OPERATIONS[operation_id]
    body = CALLS[operation_id][1]
    for name, prefix in PATH_IDS.items():
        path = path.replace(f"{{{name}}}", ids.get(prefix, ""))
    if operation_id == "reviews_create":
        body = {**body, "application": ids["app"]}
    query_string = "&".join(f"{name}={value}" for name, value in query.items())
    url = f"{path}?{query_string}" if query_string else path
    if method == "get":
        return api.get(url)
    return api.patch(url, body) if method == "patch" else api.post(url, body)


def _snapshot(tenant) -> dict:
    connection.set_tenant(tenant)
    try:
        return {
            model.__name__: sorted(map(repr, model.objects.values()))
            for model in (Challenge, Application, Message, Review, Event)
        }
    finally:
        connection.set_schema_to_public()


def test_every_object_route_is_known_here():
    assert set(OPERATIONS) == set(CALLS)


@pytest.mark.parametrize("operation_id", sorted(CALLS))
def test_every_object_route_documents_fields_as_the_object_properties(operation_id):
    _, _, operation = OPERATIONS[operation_id]
    parameters = {parameter["name"]: parameter for parameter in operation["parameters"]}
    assert parameters["fields"]["in"] == "query"
    response = next(r for s, r in operation["responses"].items() if s.startswith("2"))
    schema = response["content"]["application/json"]["schema"]
    properties = _properties(schema)
    assert parameters["fields"]["schema"]["items"]["enum"] == list(properties)
    # the documented response admits a shaped object: its second form requires id and object only
    partial = _schema(_schema(schema)["anyOf"][1])
    assert sorted(partial["required"]) == ["id", "object"]


@pytest.mark.parametrize("operation_id", sorted(CALLS))
def test_fields_shapes_the_object(api, operation_id):
    # given
    ids = _prepare(api, operation_id)
    # when
    response = _call(api, operation_id, ids, fields="created_at,livemode")
    # then
    assert 200 <= response.status_code < 300, response.content
    assert set(response.json()) == {"id", "object", "created_at", "livemode"}


@pytest.mark.parametrize("operation_id", sorted(CALLS))
def test_without_fields_the_whole_object_comes(api, operation_id):
    response = _call(api, operation_id, _prepare(api, operation_id))
    assert 200 <= response.status_code < 300, response.content
    assert set(response.json()) == set(_properties(_document_schema(operation_id)))


def _document_schema(operation_id: str) -> dict:
    _, _, operation = OPERATIONS[operation_id]
    response = next(r for s, r in operation["responses"].items() if s.startswith("2"))
    return response["content"]["application/json"]["schema"]


@pytest.mark.parametrize("operation_id", sorted(CALLS))
@pytest.mark.parametrize("query", [{"fields": "nope"}, {"fields": ""}, {"colour": "blue"}])
def test_an_unknown_field_or_parameter_is_400_and_changes_nothing(api, tenant, operation_id, query):
    # given: whatever the call needs exists already
    ids = _prepare(api, operation_id)
    before = _snapshot(tenant)
    # when
    response = _call(api, operation_id, ids, **query)
    # then
    problem(response, 400, "validation_error")
    assert _snapshot(tenant) == before


def test_retrieve_with_fields_as_in_the_issue(api):
    challenge = api.challenge(title="Shaped")
    body = api.get(f"/v1/challenges/{challenge['id']}", fields="id,title").json()
    assert body == {"id": challenge["id"], "object": "challenge", "title": "Shaped"}


def test_fields_and_expand_together(api):
    challenge = api.open_challenge()
    application = api.application(challenge["id"])
    body = api.get(
        f"/v1/applications/{application['id']}", fields="challenge", expand="challenge"
    ).json()
    assert set(body) == {"id", "object", "challenge"}
    assert body["challenge"]["id"] == challenge["id"] and "title" in body["challenge"]
