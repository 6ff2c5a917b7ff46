from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.webhook_attempt_object_enum import (
    WebhookAttemptObjectEnum,
    check_webhook_attempt_object_enum,
)

T = TypeVar("T", bound="WebhookAttempt")


@_attrs_define
class WebhookAttempt:
    """
    Attributes:
        attempted_at (datetime.datetime):
        delivery (str):
        endpoint (str):
        error (None | str):
        event (str):
        id (str): `wa_…`
        latency_ms (int):
        number (int): 1 for the first attempt of the delivery.
        object_ (WebhookAttemptObjectEnum): * `webhook_attempt` - webhook_attempt
        response_body (str): The first 4 KiB of the response.
        status_code (int | None):
        succeeded (bool):
        url (str):
    """

    attempted_at: datetime.datetime
    delivery: str
    endpoint: str
    error: None | str
    event: str
    id: str
    latency_ms: int
    number: int
    object_: WebhookAttemptObjectEnum
    response_body: str
    status_code: int | None
    succeeded: bool
    url: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        attempted_at = self.attempted_at.isoformat()

        delivery = self.delivery

        endpoint = self.endpoint

        error: None | str
        error = self.error

        event = self.event

        id = self.id

        latency_ms = self.latency_ms

        number = self.number

        object_: str = self.object_

        response_body = self.response_body

        status_code: int | None
        status_code = self.status_code

        succeeded = self.succeeded

        url = self.url

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "attempted_at": attempted_at,
                "delivery": delivery,
                "endpoint": endpoint,
                "error": error,
                "event": event,
                "id": id,
                "latency_ms": latency_ms,
                "number": number,
                "object": object_,
                "response_body": response_body,
                "status_code": status_code,
                "succeeded": succeeded,
                "url": url,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        attempted_at = datetime.datetime.fromisoformat(d.pop("attempted_at"))

        delivery = d.pop("delivery")

        endpoint = d.pop("endpoint")

        def _parse_error(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        error = _parse_error(d.pop("error"))

        event = d.pop("event")

        id = d.pop("id")

        latency_ms = d.pop("latency_ms")

        number = d.pop("number")

        object_ = check_webhook_attempt_object_enum(d.pop("object"))

        response_body = d.pop("response_body")

        def _parse_status_code(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        status_code = _parse_status_code(d.pop("status_code"))

        succeeded = d.pop("succeeded")

        url = d.pop("url")

        webhook_attempt = cls(
            attempted_at=attempted_at,
            delivery=delivery,
            endpoint=endpoint,
            error=error,
            event=event,
            id=id,
            latency_ms=latency_ms,
            number=number,
            object_=object_,
            response_body=response_body,
            status_code=status_code,
            succeeded=succeeded,
            url=url,
        )

        webhook_attempt.additional_properties = d
        return webhook_attempt

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
