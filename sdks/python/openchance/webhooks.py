"""Webhook signature verification (Standard Webhooks v1) and the typed event union.

    event = Webhook(secret).verify(request.body, request.headers)

``verify`` checks ``webhook-signature`` (``v1,<base64 HMAC-SHA256>`` of
``"{webhook-id}.{webhook-timestamp}.{body}"`` keyed with the base64 part of the ``whsec_``
secret; several space-separated signatures during a secret rotation, any one may match) in
constant time, refuses a timestamp more than ``tolerance`` seconds (5 minutes) from now (a
replayed delivery), and returns the parsed event. Pass the raw body exactly as received."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from typing import Any, Literal, TypedDict

from ._errors import OpenChanceError

SECRET_PREFIX = "whsec_"  # noqa: S105 - a prefix, not a secret
DEFAULT_TOLERANCE = 300


class WebhookVerificationError(OpenChanceError):
    """The signature, the timestamp or the body is not what the platform sent."""


class _EventBase(TypedDict):
    id: str
    object: Literal["event"]
    created_at: str
    livemode: bool
    request_id: str | None


class _ObjectData(TypedDict):
    object: dict[str, Any]


class ChallengeEvent(_EventBase):
    type: Literal[
        "challenge.created",
        "challenge.updated",
        "challenge.deleted",
        "challenge.published",
        "challenge.closed",
        "challenge.cancelled",
        "challenge.awarded",
    ]
    data: _ObjectData


class ApplicationEvent(_EventBase):
    type: Literal["application.submitted", "application.updated", "application.status_changed"]
    data: _ObjectData


class MessageEvent(_EventBase):
    type: Literal["message.created"]
    data: _ObjectData


class ReviewEvent(_EventBase):
    type: Literal["review.created"]
    data: _ObjectData


class PingEvent(_EventBase):
    type: Literal["ping"]
    data: _ObjectData


class WebhookEndpointEvent(_EventBase):
    type: Literal["webhook_endpoint.disabled"]
    data: _ObjectData


class OtherEvent(_EventBase):
    """An event type this SDK version does not know (``billing.*`` and later ones): ignore what
    you do not handle, as the API changelog asks."""

    type: str
    data: _ObjectData


WebhookEvent = (
    ChallengeEvent
    | ApplicationEvent
    | MessageEvent
    | ReviewEvent
    | PingEvent
    | WebhookEndpointEvent
    | OtherEvent
)


def sign(*, secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The ``v1,…`` signature of one delivery (what the platform sends; useful in tests)."""
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    signed = f"{message_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


class Webhook:
    def __init__(self, secret: str, *, tolerance: int = DEFAULT_TOLERANCE) -> None:
        try:
            base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)
        except (binascii.Error, ValueError) as error:
            raise ValueError("not a webhook secret (whsec_…)") from error
        self.secret = secret
        self.tolerance = tolerance

    def verify(self, body: bytes | str, headers: Mapping[str, str]) -> WebhookEvent:
        raw = body.encode() if isinstance(body, str) else bytes(body)
        lowered = {name.lower(): value for name, value in headers.items()}
        message_id = lowered.get("webhook-id")
        timestamp_text = lowered.get("webhook-timestamp")
        signatures = lowered.get("webhook-signature")
        if not message_id or not timestamp_text or not signatures:
            raise WebhookVerificationError("missing webhook-id, -timestamp or -signature header")
        try:
            timestamp = int(timestamp_text)
        except ValueError as error:
            raise WebhookVerificationError("webhook-timestamp is not a number") from error
        if abs(time.time() - timestamp) > self.tolerance:
            raise WebhookVerificationError("webhook-timestamp is outside the tolerance")
        expected = sign(
            secret=self.secret, message_id=message_id, timestamp=timestamp, body=raw
        ).encode()
        if not any(
            hmac.compare_digest(expected, candidate.encode())
            for candidate in signatures.split(" ")
            if candidate.startswith("v1,")
        ):
            raise WebhookVerificationError("no signature matches")
        try:
            event = json.loads(raw)
        except ValueError as error:
            raise WebhookVerificationError("the body is not JSON") from error
        if not isinstance(event, dict) or not isinstance(event.get("type"), str):
            raise WebhookVerificationError("the body is not an event")
        return event  # type: ignore[return-value]
