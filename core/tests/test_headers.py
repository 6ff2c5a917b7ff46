"""``core.headers.headers_set`` stores what Django's own setter stores, and refuses what it
refuses, for every family of names and values."""

import pytest
from django.http import BadHeaderError, HttpResponse
from hypothesis import given
from hypothesis import strategies as st

from core.headers import headers_set

FAMILIES = [
    ("X-RateLimit-Limit", "1000"),
    ("RateLimit-Policy", '"free";q=10;w=1'),
    ("X-Empty", ""),
    ("x-lower-case", "value"),
    ("X-Tab", "a\tb"),  # allowed by Django, not printable: Django's path
    ("X-Latin-1", "café"),  # Latin-1: kept as it is by Django
    ("X-Unicode", "漢字 😀"),  # MIME-encoded by Django
    ("X-Number", 42),  # not text: Django makes it text
    ("X-Bytes", b"raw"),  # bytes: Django decodes them
]
REFUSED = [
    ("X-Line-Feed", "a\nb"),
    ("X-Carriage-Return", "a\rb"),
    ("X-Unicode-Name-é", "v"),
    ("X-Name\n", "v"),
]


def _both(items, **options):
    ours, django = HttpResponse(b"x"), HttpResponse(b"x")
    headers_set(ours, items, **options)
    for name, value in items:
        if not (options.get("only_missing") and name in django):
            django[name] = value
    return list(ours.items()), list(django.items())


@pytest.mark.parametrize("name, value", FAMILIES, ids=[name for name, _ in FAMILIES])
def test_each_header_is_stored_as_djangos_setter_stores_it(name, value):
    ours, django = _both([(name, value)])
    assert ours == django


@pytest.mark.parametrize("name, value", REFUSED, ids=[repr(name) for name, _ in REFUSED])
def test_what_django_refuses_is_refused(name, value):
    with pytest.raises((BadHeaderError, UnicodeError)) as django_error:
        HttpResponse(b"x")[name] = value
    with pytest.raises(type(django_error.value)) as ours:
        headers_set(HttpResponse(b"x"), [(name, value)])
    assert str(ours.value) == str(django_error.value)


def test_a_header_set_again_replaces_whatever_its_case_and_only_missing_keeps_it():
    ours, django = _both([("X-A", "1"), ("x-a", "2"), ("Content-Type", "application/json")])
    assert ours == django
    response = HttpResponse(b"x", headers={"X-A": "kept"})
    headers_set(response, [("x-a", "new"), ("X-B", "added")], only_missing=True)
    assert response["X-A"] == "kept" and response["X-B"] == "added"


@given(
    st.lists(
        st.tuples(
            st.text(alphabet=st.characters(codec="ascii"), min_size=1, max_size=12),
            st.text(max_size=20),
        ),
        max_size=6,
    )
)
def test_any_headers_come_out_as_djangos(items):
    try:
        django = HttpResponse(b"x")
        for name, value in items:
            django[name] = value
    except BadHeaderError:
        with pytest.raises(BadHeaderError):
            headers_set(HttpResponse(b"x"), items)
        return
    ours = HttpResponse(b"x")
    headers_set(ours, items)
    assert list(ours.items()) == list(django.items())
