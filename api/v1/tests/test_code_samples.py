"""``x-codeSamples`` in the OpenAPI document (api/v1/code_samples.py): every operation has its
eight samples, each naming the operation's method and path, with the body example and headers
the operation takes; the curl samples of a few reads run for real against a server."""

import json
import os
import re
import shlex
import shutil
import subprocess

import pytest
from django.conf import settings

from api.v1.code_samples import LANGUAGES, METHODS, request_body_example, sample_path

LABELS = [label for _, label in LANGUAGES]


@pytest.fixture(scope="module")
def document(django_db_blocker):
    from api.management.commands.openapi_export import openapi_document

    with django_db_blocker.unblock():
        return openapi_document()


def _operations(document):
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if method in METHODS:
                yield path, method, operation


def test_every_operation_has_the_eight_samples_naming_its_method_and_path(document):
    operations = list(_operations(document))

    assert len(operations) > 40
    for path, method, operation in operations:
        samples = operation["x-codeSamples"]
        assert [sample["label"] for sample in samples] == LABELS, (method, path)
        concrete = sample_path(path, operation)
        assert "{" not in concrete.split("?")[0], concrete
        for sample in samples:
            where = (method, path, sample["label"])
            assert f'"{method.upper()}"' in sample["source"] or (
                f"-X {method.upper()} " in sample["source"]
                or f"'{method.upper()}'" in sample["source"]
            ), where
            assert concrete in sample["source"], where
            assert "OPENCHANCE_API_KEY" in sample["source"], where
            assert sample["lang"] and sample["source"].strip(), where


def test_path_parameters_get_example_ids_and_lists_a_limit(document):
    retrieve = document["paths"]["/v1/challenges/{challenge_id}"]["get"]
    listing = document["paths"]["/v1/challenges"]["get"]
    endpoint = document["paths"]["/v1/webhook_endpoints/{endpoint_id}/test"]["post"]

    assert sample_path("/v1/challenges/{challenge_id}", retrieve) == "/v1/challenges/chl_123"
    assert sample_path("/v1/challenges", listing) == "/v1/challenges?limit=10"
    assert sample_path("/v1/webhook_endpoints/{endpoint_id}/test", endpoint) == (
        "/v1/webhook_endpoints/we_123/test"
    )


def test_a_body_comes_from_the_operations_example_and_is_sent_in_every_language(document):
    operation = document["paths"]["/v1/challenges"]["post"]
    example = request_body_example(document, operation)
    samples = {sample["label"]: sample["source"] for sample in operation["x-codeSamples"]}

    assert (
        example["title"]
        and example
        == next(iter(operation["requestBody"]["content"]["application/json"]["examples"].values()))[
            "value"
        ]
    )
    for label, source in samples.items():
        assert "Idempotency-Key" in source, label
        assert example["title"] in source, label
    # the curl body is exactly the example, as JSON
    body = re.search(r"-d '(.*)'\Z", samples["curl"], re.S).group(1)
    assert json.loads(body) == example


def test_a_body_without_an_example_is_built_from_the_schema(document):
    operation = document["paths"]["/v1/webhook_endpoints"]["post"]
    body = request_body_example(document, operation)
    required = document["components"]["schemas"][
        operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/")[-1]
    ].get("required", [])

    assert set(required) <= set(body) and body
    for sample in operation["x-codeSamples"]:
        assert '"url"' in sample["source"] or "'url'" in sample["source"], sample["label"]


def test_reads_send_no_body_and_no_idempotency_key(document):
    for sample in document["paths"]["/v1/me"]["get"]["x-codeSamples"]:
        assert "Idempotency-Key" not in sample["source"], sample["label"]
        assert "Content-Type" not in sample["source"], sample["label"]


def test_the_python_sample_is_valid_python(document):
    for path, method, operation in _operations(document):
        source = next(s["source"] for s in operation["x-codeSamples"] if s["label"] == "Python")
        compile(source, f"{method} {path}", "exec")


@pytest.mark.django_db
@pytest.mark.slow
def test_curl_samples_of_reads_run_against_a_server(document, test_key, tmp_path):
    from api.testing import uvicorn_server

    if shutil.which("curl") is None:
        pytest.skip("curl is missing")
    with uvicorn_server(log_dir=tmp_path) as base_url:
        port = base_url.rsplit(":", 1)[1]
        # The shared API host, where the key alone picks the tenant (curl resolves *.localhost).
        env = {
            **os.environ,
            "OPENCHANCE_API_BASE": f"http://api.{settings.BASE_DOMAIN}:{port}",
            "OPENCHANCE_API_KEY": test_key,
        }
        answers = {}
        for path in ("/v1/me", "/v1/challenges"):
            source = next(
                s["source"]
                for s in document["paths"][path]["get"]["x-codeSamples"]
                if s["label"] == "curl"
            )
            command = source.replace("\\\n", " ") + " --silent --show-error --fail-with-body"
            completed = subprocess.run(  # noqa: S603 - the sample, with our variables
                ["/bin/sh", "-c", command], env=env, capture_output=True, timeout=30, check=False
            )
            assert completed.returncode == 0, (shlex.quote(command), completed.stderr)
            answers[path] = json.loads(completed.stdout)

    assert answers["/v1/me"]["object"] == "me"
    assert answers["/v1/me"]["key"]["mode"] == "test"
    assert answers["/v1/challenges"]["object"] == "list"
