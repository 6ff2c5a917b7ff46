"""``api.responses.Response`` is DRF's ``Response`` attribute for attribute, in the plain case it
makes itself and in every case it hands to DRF's constructor."""

import pytest
from rest_framework import response as drf_response
from rest_framework import serializers

from api.responses import Response


def _state(response) -> dict:
    state = dict(vars(response))
    state["headers"] = list(response.headers.items())
    state["cookies"] = (type(response.cookies), dict(response.cookies))
    return state


CASES = [
    ((), {}),
    (({"object": "me"},), {}),
    (([1, 2, 3],), {}),
    (("text",), {}),
    ((None,), {"status": 204}),
    (({"a": 1},), {"status": 201}),
    (({"a": 1},), {"status": 599}),
    (({"a": 1},), {"status": 100}),
    # handed to DRF's constructor
    (({"a": 1},), {"headers": {"Location": "/v1/challenges/chl_1"}}),
    (({"a": 1},), {"headers": {}}),
    (({"a": 1},), {"content_type": "application/json"}),
    (({"a": 1},), {"template_name": "x.html"}),
    (({"a": 1},), {"exception": True, "status": 400}),
    (({"a": 1},), {"status": "201"}),
]


@pytest.mark.parametrize("args, kwargs", CASES, ids=[repr(case) for case in CASES])
def test_every_attribute_is_drfs(args, kwargs):
    ours, theirs = Response(*args, **kwargs), drf_response.Response(*args, **kwargs)
    assert type(ours).__mro__[1] is drf_response.Response
    assert _state(ours) == _state(theirs)
    assert ours.status_code == theirs.status_code
    assert ours.reason_phrase == theirs.reason_phrase
    assert ours.is_rendered is theirs.is_rendered is False


@pytest.mark.parametrize("status", [99, 600, -1, 1000])
def test_a_status_out_of_range_is_refused_as_django_refuses_it(status):
    with pytest.raises(ValueError) as theirs:
        drf_response.Response({}, status=status)
    with pytest.raises(ValueError) as ours:
        Response({}, status=status)
    assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize("status", [None, "abc", 1.5])
def test_a_status_that_is_not_an_integer_goes_to_drf(status):
    if status is None:
        assert Response({}, status=status).status_code == 200
        return
    with pytest.raises((TypeError, ValueError)) as theirs:
        drf_response.Response({}, status=status)
    with pytest.raises(type(theirs.value)):
        Response({}, status=status)


def test_a_serializer_given_as_data_is_explained_as_drf_explains_it():
    class Shape(serializers.Serializer):
        name = serializers.CharField()

    with pytest.raises(AssertionError, match="serialized `.data`"):
        Response(Shape({"name": "x"}))
