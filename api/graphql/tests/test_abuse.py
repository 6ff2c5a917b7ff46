"""Hostile documents: each a clear error, answered in bounded time, metered, never a 500."""

import json
import time

import pytest
from graphql import get_introspection_query

from api.graphql.schema import MAX_ALIASES, MAX_DEPTH, MAX_TOKENS
from api.graphql.tests.support import GRAPHQL, data, error, gql

pytestmark = pytest.mark.django_db


def _deep(levels: int) -> str:
    inner = "id"
    for _ in range(levels):
        inner = f"applications(first: 1) {{ nodes {{ challenge {{ {inner} }} }} }}"
    return f"{{ challenges(first: 1) {{ nodes {{ {inner} }} }} }}"


def _timed(call):
    started = time.perf_counter()
    response = call()
    assert time.perf_counter() - started < 5
    assert response.status_code < 500, response.content
    return response


def test_deep_queries_are_refused(api_client):
    response = _timed(lambda: gql(api_client, _deep(MAX_DEPTH)))
    refused = error(response, "query_too_complex", status=400)
    assert "depth" in refused["message"]


def test_alias_floods_are_refused(api_client):
    flood = " ".join(f"a{n}: me {{ object }}" for n in range(MAX_ALIASES + 1))
    refused = error(
        _timed(lambda: gql(api_client, f"{{ {flood} }}")), "query_too_complex", status=400
    )
    assert "aliases" in refused["message"]


def test_token_floods_are_refused_before_parsing_them_all(api_client):
    flood = "{ " + " ".join("me { object }" for _ in range(MAX_TOKENS)) + " }"
    error(_timed(lambda: gql(api_client, flood)), "query_too_complex", status=400)


def test_huge_first_is_refused(api_client):
    refused = error(
        gql(api_client, "{ challenges(first: 100000) { nodes { id } } }"),
        "validation_error",
        status=200,
    )
    assert refused["extensions"]["errors"] == {"first": ["Ensure this value is between 1 and 100."]}
    refused = error(
        gql(api_client, "{ challenges(first: 99999999999) { nodes { id } } }"),
        "graphql_validation_failed",
        status=400,
    )  # not even an Int


def test_cyclic_fragments_are_refused(api_client):
    document = """{ challenges { nodes { ...A } } }
      fragment A on Challenge { id applications { nodes { challenge { ...B } } } }
      fragment B on Challenge { ...A }"""
    refused = error(
        _timed(lambda: gql(api_client, document)), "graphql_validation_failed", status=400
    )
    assert "fragment" in refused["message"].lower()


def test_fragment_bombs_are_refused_in_linear_time(api_client):
    # F0 spreads F1 twice, F1 F2 twice, …: 2^40 fields once expanded, a few hundred tokens.
    fragments = [f"fragment F{n} on Challenge {{ ...F{n + 1} ...F{n + 1} }}" for n in range(40)]
    document = (
        "{ challenges { nodes { ...F0 } } } "
        + " ".join(fragments)
        + (" fragment F40 on Challenge { id }")
    )
    refused = error(_timed(lambda: gql(api_client, document)), "query_too_complex", status=400)
    assert "expands" in refused["message"]


def test_standard_introspection_works_and_costs_its_tokens(api_client):
    response = gql(api_client, get_introspection_query(descriptions=True))
    assert "__schema" in data(response)
    assert response["X-GraphQL-Cost"] == "3"


def test_nested_introspection_is_refused(api_client):
    document = "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }"
    refused = error(_timed(lambda: gql(api_client, document)), "query_too_complex", status=400)
    assert "introspection" in refused["message"].lower()


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("{not json", "invalid_json"),
        ("[1, 2]", "graphql_bad_request"),
        (json.dumps({"query": 42}), "graphql_bad_request"),
        (json.dumps({}), "graphql_bad_request"),
        (json.dumps({"query": "{ me { object } }", "variables": [1]}), "graphql_bad_request"),
        (json.dumps({"query": "{ me { object } }", "operationName": 7}), "graphql_bad_request"),
        (
            json.dumps({"query": "query A { me { object } } query B { me { object } }"}),
            "graphql_validation_failed",
        ),
        (
            json.dumps({"query": "{ me { object } }", "operationName": "Nope"}),
            "graphql_validation_failed",
        ),
        (json.dumps({"query": "{ me { object "}), "graphql_parse_failed"),
        ('{"query": "{ me { object } }\\u0000"}', "invalid_json"),
        ('{"query": NaN}', "invalid_json"),
    ],
)
def test_malformed_bodies_are_clear_errors(api_client, body, code):
    response = api_client.post(GRAPHQL, body, content_type="application/json")
    error(response, code, status=400)


def test_wrong_variable_types_are_clear_errors(api_client):
    response = gql(
        api_client, "query($n: Int!) { challenges(first: $n) { nodes { id } } }", {"n": "ten"}
    )
    refused = error(response, "graphql_validation_failed", status=400)
    assert "$n" in refused["message"]
    assert response.json()["data"] is None
