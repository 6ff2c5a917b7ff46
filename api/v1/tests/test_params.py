"""``api.v1.params.parse_list_params`` validates every query through one instance per parameters
class (fields built once): the answers — validated values and 400 errors alike — are those of a
serializer built for the call, the fields are not rebuilt per call, and parallel calls with
different queries never see each other's values or errors."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.http import QueryDict
from rest_framework import serializers

from api.v1.challenges import ChallengeListParams, ChallengeParams
from api.v1.params import ListParams, parse_list_params

BAD_QUERIES = [
    "limit=0",
    "limit=abc",
    "limit=101",
    "ordering=bogus",
    "cursor=abc&offset=3",
    "offset=-1",
    "status=open,bogus",
    "reward_amount[gte]=-1",
    "deadline[lt]=yesterday",
    "remote=perhaps",
    "currency=dollars",
    "fields=title,nope",
    f"search={'x' * 201}",
]
GOOD_QUERIES = [
    "",
    "limit=3",
    "limit=7&ordering=created_at",
    "status=open,closed&category=bounty&tags=a,b&remote=true",
    "reward_amount[gte]=100&reward_amount[lt]=500&created_at[gte]=2026-01-01T00:00:00Z",
    "fields=title,status&search=python",
    "offset=20&limit=5",
]


def _fresh(params_class, query: str):
    """What a serializer built for this one call answers: (validated values, errors)."""
    data = {key: ",".join(values) for key, values in QueryDict(query).lists()}
    serializer = params_class(data=data)
    if serializer.is_valid():
        return dict(serializer.validated_data), None
    return None, serializer.errors


def _shared(params_class, query: str):
    try:
        values = parse_list_params(params_class, QueryDict(query))
    except serializers.ValidationError as exc:
        return None, exc.detail
    values.pop("metadata")
    return values, None


@pytest.mark.parametrize("query", BAD_QUERIES + GOOD_QUERIES)
def test_answers_are_those_of_a_serializer_built_for_the_call(query):
    assert _shared(ChallengeListParams, query) == _fresh(ChallengeListParams, query)


@pytest.mark.parametrize("query", ["", "fields=title", "fields=bogus", "limit=3"])
def test_object_parameters_answer_as_before(query):
    shared_values, shared_errors = _shared(ChallengeParams, query)
    fresh_values, fresh_errors = _fresh(ChallengeParams, query)
    if "limit" in query:  # not a parameter of one object: refused as unknown before validation
        assert shared_errors == {"limit": ["Unknown query parameter."]}
        return
    assert (shared_values, shared_errors) == (fresh_values, fresh_errors)


def test_fields_are_built_once_per_class():
    built = []

    class CountingParams(ListParams):
        ORDERINGS = ("-created_at",)

        def get_fields(self):
            built.append(1)
            return super().get_fields()

    for limit in (1, 2, 3):
        assert parse_list_params(CountingParams, QueryDict(f"limit={limit}"))["limit"] == limit
    with pytest.raises(serializers.ValidationError):
        parse_list_params(CountingParams, QueryDict("limit=0"))
    assert len(built) == 1


def test_parallel_calls_never_see_each_others_values_or_errors():
    # given 8 threads, each validating its own queries, good and bad, at the same time
    start = threading.Barrier(8)

    def run(thread: int) -> list[str]:
        start.wait()
        wrong = []
        for index in range(150):
            limit = (thread * 150 + index) % 100 + 1
            if index % 3 == 0:
                try:
                    parse_list_params(ChallengeListParams, QueryDict(f"limit={limit + 100}"))
                    wrong.append(f"limit={limit + 100} passed")
                except serializers.ValidationError as exc:
                    if set(exc.detail) != {"limit"}:
                        wrong.append(f"errors {exc.detail}")
            else:
                values = parse_list_params(
                    ChallengeListParams, QueryDict(f"limit={limit}&tags=t{thread}")
                )
                if values["limit"] != limit or values["tags"] != [f"t{thread}"]:
                    wrong.append(f"{values['limit']} {values['tags']} for {limit} t{thread}")
        return wrong

    # when they all run
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(run, range(8)))

    # then each got exactly its own answers
    assert [wrong for wrong in results if wrong] == []
