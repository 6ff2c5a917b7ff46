"""Excerpts kept in the error log never contain keys, secrets or password-like fields."""

import json

from api.redaction import REDACTED, excerpt_redact
from apikeys.keys import api_key_generate
from metering.records import EXCERPT_MAX_CHARS


def test_sensitive_json_fields_and_embedded_keys_are_masked():
    key = api_key_generate(mode="live").raw
    body = {
        "title": "ok",
        "password": "hunter2",
        "nested": {"api_key": "x", "client_secret": "y", "items": [{"token": "z"}]},
        "note": f"my key is {key} and whsec_abcdefghijkl",
    }

    excerpt = json.loads(excerpt_redact(json.dumps(body)))

    assert excerpt["title"] == "ok"
    assert excerpt["password"] == REDACTED
    assert excerpt["nested"]["api_key"] == excerpt["nested"]["client_secret"] == REDACTED
    assert excerpt["nested"]["items"][0]["token"] == REDACTED
    assert key not in excerpt["note"] and "whsec_abcdefghijkl" not in excerpt["note"]


def test_non_json_bodies_are_masked_and_everything_is_cut_to_size():
    key = api_key_generate(mode="test").raw

    excerpt = excerpt_redact(f"Authorization: Bearer {key}\n" + "x" * 10_000)

    assert key not in excerpt and REDACTED in excerpt
    assert len(excerpt) == EXCERPT_MAX_CHARS
    assert excerpt_redact(b"") == "" and excerpt_redact(None) == ""
