"""``expand``: an inlined object needs the read scope of its own family, and costs no query.

The routes and their expandable fields come from the published OpenAPI document (every GET with
an ``expand`` parameter, each value of its enum), so a route that starts offering ``expand`` is
in the matrix without anyone adding it here. The family an expanded object belongs to is taken
from what comes back (``"object": "challenge"`` → ``challenges``), not from the code under test.
"""

import functools
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve
from drf_spectacular.generators import SchemaGenerator

from api.v1.tests.support import Api, problem
from apikeys.scopes import SCOPE_FAMILIES
from apikeys.services import api_key_create
from marketplace import services


@functools.cache
def _document() -> dict:
    return SchemaGenerator(urlconf="api.v1.schema_urls").get_schema(request=None, public=True)


def _expand_routes() -> list[tuple[str, str, bool]]:
    """(path template, expandable field, is_list) of every GET offering ``expand``."""
    routes = []
    for path, item in _document()["paths"].items():
        operation = item.get("get")
        for parameter in (operation or {}).get("parameters", []):
            if parameter["name"] == "expand":
                is_list = "{" not in path.rsplit("/", 1)[-1]
                routes += [(path, field, is_list) for field in parameter["schema"]["items"]["enum"]]
    return sorted(routes)


EXPAND_ROUTES = _expand_routes()
PATH_IDS = {
    "challenge_id": "chl",
    "application_id": "app",
    "message_id": "msg",
    "review_id": "rev",
}


def _family_of(object_name: str) -> str:
    """The scope family of an object type, by the API's naming (``challenge`` → ``challenges``)."""
    family = f"{object_name}s"
    assert family in SCOPE_FAMILIES, object_name
    return family


def _route_family(path: str) -> str:
    return resolve(
        path.replace("{", "").replace("}", ""), urlconf="api.v1.schema_urls"
    ).func.cls.scope_family


def _scope_sets(route_family: str, field_family: str) -> list[tuple[list[str], bool]]:
    """Key scopes to try on a route that expands an object of ``field_family``, each with
    whether the expansion is allowed: the route's read scope plus each family's read scope in
    turn, plus the field family's write scope, plus ``all``, plus every read scope but the one
    needed."""
    base = f"{route_family}:read"
    cases = [
        (sorted({base, f"{family}:read"}), family == field_family or route_family == field_family)
        for family in SCOPE_FAMILIES
    ]
    cases.append((sorted({base, f"{field_family}:write"}), True))
    cases.append((["all"], True))
    others = {f"{family}:read" for family in SCOPE_FAMILIES if family != field_family}
    cases.append((sorted(others | {base}), route_family == field_family))
    return cases


MATRIX = [
    (path, field, is_list, scopes, allowed)
    for path, field, is_list in EXPAND_ROUTES
    for scopes, allowed in _scope_sets(_route_family(path), _family_of(field))
]


@pytest.fixture
def objects(tenant, in_schema):
    """One of each marketplace object in the tenant's live data (through services: fast); their
    ids by prefix."""
    in_schema(tenant)
    challenge = services.challenge_create(title="Expanded")
    services.challenge_publish(challenge_id=challenge.id)
    application = services.application_submit(
        challenge_id=challenge.id, applicant_name="Ada", applicant_email="ada@example.com"
    )
    message = services.message_create(application_id=application.id, author="applicant", body="x")
    services.application_shortlist(application_id=application.id)
    services.application_accept(application_id=application.id)
    review = services.review_create(application_id=application.id, rating=5)
    connection.set_schema_to_public()
    return {"chl": challenge.id, "app": application.id, "msg": message.id, "rev": review.id}


def _concrete(path: str, objects: dict) -> str:
    for name, prefix in PATH_IDS.items():
        path = path.replace(f"{{{name}}}", objects[prefix])
    return path


def _expanded_object(body: dict, field: str, is_list: bool):
    return body["data"][0][field] if is_list else body[field]


def test_every_expandable_route_is_in_the_matrix():
    """The matrix is not empty by accident: the routes the issue names are found in the document."""
    assert {(path, field) for path, field, _ in EXPAND_ROUTES} >= {
        ("/v1/applications", "challenge"),
        ("/v1/applications/{application_id}", "challenge"),
        ("/v1/challenges/{challenge_id}/applications", "challenge"),
        ("/v1/messages", "application"),
        ("/v1/messages/{message_id}", "application"),
        ("/v1/applications/{application_id}/messages", "application"),
        ("/v1/reviews", "application"),
        ("/v1/reviews/{review_id}", "application"),
    }


@pytest.mark.parametrize(
    ("path", "field", "is_list", "scopes", "allowed"),
    MATRIX,
    ids=[f"{p}?expand={f} [{' '.join(s)}]" for p, f, _, s, _ in MATRIX],
)
def test_expand_needs_the_read_scope_of_the_expanded_family(
    objects, api_client_factory, tenant, path, field, is_list, scopes, allowed
):
    # given
    key = api_key_create(tenant=tenant, name="expand matrix", scopes=scopes).secret
    client = Api(api_client_factory(key))
    concrete = _concrete(path, objects)
    # when
    response = client.get(concrete, expand=field)
    # then
    if allowed:
        assert response.status_code == 200, response.content
        assert _expanded_object(response.json(), field, is_list)["object"] == field
        return
    required = f"{_family_of(field)}:read"
    body = problem(response, 403, "insufficient_scope")
    assert body["required_scope"] == required and required in body["detail"]
    assert b"ada@example.com" not in response.content and b'"data"' not in response.content
    # the route itself is readable with this key: the refusal is the expansion's
    plain = client.get(concrete)
    assert plain.status_code == 200, plain.content
    assert isinstance(_expanded_object(plain.json(), field, is_list), str)


def test_a_batch_operation_cannot_expand_past_the_key_scope(objects, api_client_factory, tenant):
    # given: the key: messages only
    key = api_key_create(tenant=tenant, name="messages", scopes=["messages:read"]).secret
    client = Api(api_client_factory(key))
    message_path = f"/v1/messages/{objects['msg']}"
    # when
    response = client.post(
        "/v1/batch",
        {
            "operations": [
                {"method": "GET", "path": f"{message_path}?expand=application"},
                {"method": "GET", "path": message_path},
            ]
        },
    )
    # then
    assert response.status_code == 200, response.content
    denied, plain = response.json()["results"]
    assert denied["status"] == 403 and denied["body"]["code"] == "insufficient_scope"
    assert "ada@example.com" not in json.dumps(denied)
    assert plain["status"] == 200 and plain["body"]["application"] == objects["app"]


def _queries(api: Api, path: str, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = api.get(path, **params)
    assert response.status_code == 200, response.content
    return len(queries)


def _grow(tenant, challenge_id: str, application_id: str, count: int) -> None:
    """``count`` more applications on the challenge, messages on the application and reviews."""
    connection.set_tenant(tenant)
    for index in range(count):
        application = services.application_submit(
            challenge_id=challenge_id,
            applicant_name="A",
            applicant_email=f"grow{index}-{count}@example.com",
        )
        services.message_create(application_id=application_id, author="applicant", body="x")
        services.application_shortlist(application_id=application.id)
        services.application_accept(application_id=application.id)
        services.review_create(application_id=application.id, rating=4)
    connection.set_schema_to_public()


@pytest.mark.parametrize(
    ("path", "field", "is_list"),
    EXPAND_ROUTES,
    ids=[f"{path}?expand={field}" for path, field, _ in EXPAND_ROUTES],
)
def test_expand_costs_no_query(api, objects, tenant, path, field, is_list):
    """An expansion is a join: the same number of queries as without it, and on lists as many
    with 20 more rows as with 1."""
    # given
    concrete = _concrete(path, objects)
    paging = {"limit": 100} if is_list else {}
    _queries(api, concrete, **paging)  # warm: key lookup and the like are cached
    plain = _queries(api, concrete, **paging)
    # when
    expanded = _queries(api, concrete, expand=field, **paging)
    # then
    assert expanded == plain
    if is_list:
        _grow(tenant, objects["chl"], objects["app"], 20)
        grown = api.get(concrete, expand=field, **paging)
        assert len(grown.json()["data"]) >= 20
        assert _queries(api, concrete, expand=field, **paging) == plain
