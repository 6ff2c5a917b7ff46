"""The SDK scenario in Python (the reference for the other languages' scenarios): prints one JSON
object for sdks/tests/conftest.py's ``scenario_check``. Reads OPENCHANCE_BASE_URL,
OPENCHANCE_API_KEY, OC_SINK_URL (where webhooks go) and OC_SINK_RECEIVED_URL (what arrived)."""

import asyncio
import base64
import json
import os
import sys
import time
import uuid

import httpx
from openchance_api.api.challenges import challenges_list, challenges_retrieve

from openchance import (
    AsyncOpenChance,
    NotFoundError,
    OpenChance,
    RateLimitedError,
    ValidationError,
    Webhook,
    WebhookVerificationError,
)


def run() -> dict:
    started = time.monotonic()
    result: dict = {"timings": {}}

    def lap(step: str) -> None:
        result["timings"][step] = round(time.monotonic() - started, 2)

    retries: list = []
    client = OpenChance(max_retries=5, on_retry=retries.append)
    tag = f"sdk-python-{uuid.uuid4().hex[:6]}"

    # Create three challenges and list them back two per page.
    result["created"] = [
        client.challenges.create({"title": f"{tag} {number}"})["id"] for number in range(3)
    ]
    first_page = client.request("GET", "/v1/challenges", query={"limit": 2, "search": tag})
    result["first_page"] = {"size": len(first_page["data"]), "has_more": first_page["has_more"]}
    result["listed"] = [
        challenge["id"] for challenge in client.challenges.list(limit=2, search=tag)
    ]
    # The generated operation, typed (openchance_api models), paged by the same client.
    result["generated_listed"] = [
        challenge.id for challenge in client.paginate(challenges_list.sync, limit=2, search=tag)
    ]

    lap("listed")
    # The same Idempotency-Key twice: the second answer is the first one replayed.
    key = str(uuid.uuid4())
    first = client.challenges.create({"title": f"{tag} once"}, idempotency_key=key)
    again = client.challenges.create({"title": f"{tag} once"}, idempotency_key=key)
    result["idempotent_replay"] = first["id"] == again["id"]

    lap("idempotency")
    # Typed errors.
    try:
        client.challenges.retrieve("chl_doesnotexist")
    except NotFoundError as error:
        result["not_found"] = {"error": type(error).__name__, "request_id": error.request_id}
    try:  # a generated operation raises the same typed errors
        challenges_retrieve.sync(client=client.generated, challenge_id="chl_doesnotexist")
    except NotFoundError as error:
        result["generated_not_found"] = type(error).__name__
    try:
        client.challenges.create({})
    except ValidationError as error:
        result["validation"] = {"error": type(error).__name__, "fields": sorted(error.errors)}

    lap("errors")
    # Drain the bucket without retries until a 429, then one call with retries.
    impatient = OpenChance(max_retries=0)
    for _ in range(60):
        try:
            impatient.request("GET", "/v1/me")
        except RateLimitedError as error:
            result["rate_limited"] = {
                "error": type(error).__name__,
                "status": error.status,
                "code": error.code,
                "retry_after": error.retry_after,
                "request_id": error.request_id,
            }
            break
    lap("rate_limited")
    # With retries on, calls at full speed: the 429s they meet are retried after Retry-After.
    retries.clear()
    calls = 0
    while not retries and calls < 40:
        calls += 1
        assert client.request("GET", "/v1/me")["object"] == "me"
    result["retried"] = {"ok": True, "retries": len(retries), "calls": calls}

    # A retried POST sends the same generated Idempotency-Key on every attempt.
    recorder = _Recorder()
    recording = OpenChance(max_retries=5, http_transport=recorder)
    for _ in range(5):
        recorder.keys.clear()
        while True:
            try:
                impatient.request("GET", "/v1/me")
            except RateLimitedError:
                break
        recording.challenges.create({"title": f"{tag} retried"})
        if len(recorder.keys) >= 2:
            break
    result["idempotency_keys"] = recorder.keys
    recording.close()

    lap("retried")
    # A signed webhook to the sink, verified.
    endpoint = client.webhook_endpoints.create(
        {"url": os.environ["OC_SINK_URL"], "events": ["challenge.created"]}
    )
    expected = client.challenges.create({"title": f"{tag} hooked"})["id"]
    result["webhook"] = _webhook(endpoint["secret"], expected)

    lap("webhook")
    # The event stream.
    with client.stream(["challenge.created"]) as stream:
        streamed = client.challenges.create({"title": f"{tag} streamed"})["id"]
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            event = stream.receive(timeout=deadline - time.monotonic())
            if event["data"]["object"].get("id") == streamed:
                result["stream"] = {
                    "type": event["type"],
                    "object_id": event["data"]["object"]["id"],
                    "expected_id": streamed,
                }
                break
    lap("stream")
    client.close()
    impatient.close()
    return result


class _Recorder(httpx.HTTPTransport):
    """Notes the Idempotency-Key of every attempt of a POST."""

    def __init__(self) -> None:
        super().__init__()
        self.keys: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            self.keys.append(request.headers.get("idempotency-key", ""))
        return super().handle_request(request)


def _webhook(secret: str, expected_id: str) -> dict:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for delivery in httpx.get(os.environ["OC_SINK_RECEIVED_URL"], timeout=5).json():
            body = base64.b64decode(delivery["body_base64"])
            event = Webhook(secret).verify(body, delivery["headers"])
            if event["data"]["object"].get("id") != expected_id:
                continue
            try:
                Webhook(secret).verify(body.replace(b"hooked", b"hacked"), delivery["headers"])
                tampered_rejected = False
            except WebhookVerificationError:
                tampered_rejected = True
            return {
                "type": event["type"],
                "object_id": event["data"]["object"]["id"],
                "expected_id": expected_id,
                "tampered_rejected": tampered_rejected,
            }
        time.sleep(0.3)
    return {"type": None, "object_id": None, "expected_id": expected_id}


async def run_async() -> dict:
    """The asyncio client: create, page through, a typed error."""
    async with AsyncOpenChance(max_retries=5) as client:
        tag = f"sdk-async-{uuid.uuid4().hex[:6]}"
        created = [
            (await client.challenges.create({"title": f"{tag} {n}"}))["id"] for n in range(3)
        ]
        listed = [c["id"] async for c in client.challenges.list(limit=2, search=tag)]
        try:
            await client.challenges.retrieve("chl_doesnotexist")
            not_found = None
        except NotFoundError as error:
            not_found = {"error": type(error).__name__, "request_id": error.request_id}
        streamed_type = None
        async with client.stream(["challenge.created"]) as stream:
            streamed = (await client.challenges.create({"title": f"{tag} streamed"}))["id"]
            async with asyncio.timeout(30):
                async for event in stream:
                    if event["data"]["object"].get("id") == streamed:
                        streamed_type = event["type"]
                        break
        return {
            "created": created,
            "listed": listed,
            "not_found": not_found,
            "stream_type": streamed_type,
        }


if __name__ == "__main__":
    outcome = run()
    outcome["async"] = asyncio.run(run_async())
    json.dump(outcome, sys.stdout)
    print()
