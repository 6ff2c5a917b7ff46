"""``api.bases.JsonRenderer`` renders byte for byte what DRF's ``JSONRenderer`` renders."""

import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from django.utils.translation import gettext_lazy
from rest_framework.exceptions import ErrorDetail
from rest_framework.renderers import JSONRenderer

from api.bases import JsonRenderer, orjson

SAMPLES = [
    {"object": "me", "nested": {"list": [1, 2.5, None, True, False], "empty": {}}},
    {"text": "ünïcödé ✓ 🎉 \u2028 line \u2029 paragraph", "quote": '"\\/'},
    {"control": "\x00\x01\x1f\x7f", "tab": "\t\n\r"},
    {
        "utc": datetime(2026, 11, 25, 16, 20, tzinfo=UTC),
        "micro": datetime(2026, 11, 25, 16, 20, 0, 123456, tzinfo=UTC),
        "offset": datetime(2026, 11, 25, 16, 20, tzinfo=timezone(timedelta(hours=2))),
        "day": date(2026, 11, 25),
    },
    {"lazy": gettext_lazy("Not found."), "decimal": Decimal("1.25"), "uuid": uuid.UUID(int=7)},
    {"errors": {"title": [ErrorDetail("Too long.", code="max_length")]}},
    {1: "non-string key", "big": 2**70},  # orjson refuses both: DRF's renderer takes over
    [{"id": f"chl_{index}", "tags": ("a", "b"), "amount": -(10**15)} for index in range(20)],
    "a bare string",
    [],
]


@pytest.mark.skipif(orjson is None, reason="orjson is not installed: DRF's renderer is used")
@pytest.mark.parametrize("data", SAMPLES)
def test_output_is_drf_output(data):
    assert JsonRenderer().render(data) == JSONRenderer().render(data)


@pytest.mark.parametrize("media_type", ["application/json; indent=4", "application/json"])
def test_an_indent_asked_for_is_honoured(media_type):
    data = {"a": [1, {"b": None}]}

    rendered = JsonRenderer().render(data, accepted_media_type=media_type)

    assert rendered == JSONRenderer().render(data, accepted_media_type=media_type)


def test_what_neither_can_render_still_fails():
    with pytest.raises(TypeError):
        JsonRenderer().render({"value": object()})
