"""Request ids are ours (issue 8, item 1's header clause): a client's ``X-Request-Id`` changes
nothing that is metered or logged; it is kept beside ours as ``client_request_id`` and echoed in
``X-Client-Request-Id`` when it looks sane."""

import os
import re

import pytest
from django.conf import settings
from django_tenants.utils import tenant_context

from api.gateway import usage_buffer_push
from apikeys.services import api_key_create
from core.middleware import request_id_new
from core.testing import problem
from metering.services import usage_flush
from requestlog.models import RequestLog

pytestmark = pytest.mark.django_db


def test_a_repeated_client_request_id_gives_every_call_its_own_id(api_client):
    # when
    responses = [
        api_client.get("/v1/me", HTTP_X_REQUEST_ID="lb-1234567890"),
        api_client.get("/v1/me", HTTP_X_REQUEST_ID="lb-1234567890"),
        api_client.get("/v1/challenges/chl_nope", HTTP_X_REQUEST_ID="lb-1234567890"),
    ]

    # then
    ours = [response["X-Request-Id"] for response in responses]
    assert len(set(ours)) == 3 and all(value.startswith("req_") for value in ours)
    assert {response["X-Client-Request-Id"] for response in responses} == {"lb-1234567890"}
    assert problem(responses[2], 404)["request_id"] == ours[2]


@pytest.mark.parametrize(
    "incoming", ["short", "<script>", "a" * 129, "lb 1234567890", "lb-123\x00456789", "ünïcode-id"]
)
def test_an_odd_client_request_id_is_dropped_not_echoed(tenant_client, public_client, incoming):
    for client in (tenant_client, public_client):
        response = client.get("/", HTTP_X_REQUEST_ID=incoming)

        assert response["X-Request-Id"].startswith("req_")
        assert "X-Client-Request-Id" not in response


def test_every_host_answers_with_our_id(tenant_client, public_client):
    unknown = type(tenant_client)(HTTP_HOST=f"nobody.{settings.BASE_DOMAIN}")
    for client in (tenant_client, public_client, unknown):
        response = client.get("/", HTTP_X_REQUEST_ID="lb-1234567890")
        assert response["X-Request-Id"].startswith("req_")
        assert response["X-Client-Request-Id"] == "lb-1234567890"


def test_repeated_client_ids_are_metered_and_logged_once_per_call(api_client_factory, tenant):
    # given
    issued = api_key_create(tenant=tenant, name="request ids")
    client = api_client_factory(issued.secret)
    responses = [client.get("/v1/me", HTTP_X_REQUEST_ID="retry-of-the-same-call") for _ in range(3)]
    usage_buffer_push()

    # when
    usage_flush()

    # then: three calls, three request-log rows, each with the client's id beside ours
    with tenant_context(tenant):
        logs = RequestLog.objects.filter(api_key_id=issued.api_key.pk)
        ours = sorted(response["X-Request-Id"] for response in responses)
        assert sorted(log.request_id for log in logs) == ours
        assert {log.client_request_id for log in logs} == {"retry-of-the-same-call"}


def test_batch_operations_have_ids_of_their_own_and_carry_the_client_id(api, api_client):
    response = api.post(
        "/v1/batch",
        {"operations": [{"method": "GET", "path": "/v1/me"}, {"method": "GET", "path": "/v1/x"}]},
        **{"X-Request-Id": "batch-client-id-1"},
    )

    assert response.status_code == 200, response.content
    batch_id = response["X-Request-Id"]
    assert batch_id.startswith("req_") and response["X-Client-Request-Id"] == "batch-client-id-1"
    assert response.json()["results"][1]["body"]["request_id"] == f"{batch_id}_1"


def test_ids_never_repeat_within_a_process_nor_between_forked_workers():
    """Workers are forked from one parent (granian, Celery): each draws its own key, so their id
    sequences are unrelated even though their counters start alike."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: a worker's first ids
        try:
            os.write(write, "\n".join(request_id_new() for _ in range(500)).encode())
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        child = pipe.read().split("\n")
    os.waitpid(pid, 0)
    parent = [request_id_new() for _ in range(5000)]
    assert len(child) == 500 and all(re.fullmatch(r"req_[0-9a-f]{32}", i) for i in child + parent)
    assert len(set(parent)) == len(parent)
    assert not set(child) & set(parent)
