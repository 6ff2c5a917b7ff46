from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.webhook_delivery_object_enum import (
    WebhookDeliveryObjectEnum,
    check_webhook_delivery_object_enum,
)
from ..models.webhook_delivery_status_enum import (
    WebhookDeliveryStatusEnum,
    check_webhook_delivery_status_enum,
)

T = TypeVar("T", bound="WebhookDelivery")


@_attrs_define
class WebhookDelivery:
    """
    Attributes:
        attempts (int):
        created_at (datetime.datetime):
        endpoint (str): `we_…`
        event (str): `evt_…`; also the `webhook-id` header.
        event_type (str):
        id (str): `wd_…`
        last_attempt_at (datetime.datetime | None):
        last_error (None | str):
        last_status_code (int | None):
        next_attempt_at (datetime.datetime | None):
        object_ (WebhookDeliveryObjectEnum): * `webhook_delivery` - webhook_delivery
        status (WebhookDeliveryStatusEnum): * `pending` - pending
            * `failed` - failed
            * `succeeded` - succeeded
            * `exhausted` - exhausted
        succeeded_at (datetime.datetime | None):
    """

    attempts: int
    created_at: datetime.datetime
    endpoint: str
    event: str
    event_type: str
    id: str
    last_attempt_at: datetime.datetime | None
    last_error: None | str
    last_status_code: int | None
    next_attempt_at: datetime.datetime | None
    object_: WebhookDeliveryObjectEnum
    status: WebhookDeliveryStatusEnum
    succeeded_at: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        attempts = self.attempts

        created_at = self.created_at.isoformat()

        endpoint = self.endpoint

        event = self.event

        event_type = self.event_type

        id = self.id

        last_attempt_at: None | str
        if isinstance(self.last_attempt_at, datetime.datetime):
            last_attempt_at = self.last_attempt_at.isoformat()
        else:
            last_attempt_at = self.last_attempt_at

        last_error: None | str
        last_error = self.last_error

        last_status_code: int | None
        last_status_code = self.last_status_code

        next_attempt_at: None | str
        if isinstance(self.next_attempt_at, datetime.datetime):
            next_attempt_at = self.next_attempt_at.isoformat()
        else:
            next_attempt_at = self.next_attempt_at

        object_: str = self.object_

        status: str = self.status

        succeeded_at: None | str
        if isinstance(self.succeeded_at, datetime.datetime):
            succeeded_at = self.succeeded_at.isoformat()
        else:
            succeeded_at = self.succeeded_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "attempts": attempts,
                "created_at": created_at,
                "endpoint": endpoint,
                "event": event,
                "event_type": event_type,
                "id": id,
                "last_attempt_at": last_attempt_at,
                "last_error": last_error,
                "last_status_code": last_status_code,
                "next_attempt_at": next_attempt_at,
                "object": object_,
                "status": status,
                "succeeded_at": succeeded_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        attempts = d.pop("attempts")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        endpoint = d.pop("endpoint")

        event = d.pop("event")

        event_type = d.pop("event_type")

        id = d.pop("id")

        def _parse_last_attempt_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_attempt_at_type_0 = datetime.datetime.fromisoformat(data)

                return last_attempt_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        last_attempt_at = _parse_last_attempt_at(d.pop("last_attempt_at"))

        def _parse_last_error(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        last_error = _parse_last_error(d.pop("last_error"))

        def _parse_last_status_code(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        last_status_code = _parse_last_status_code(d.pop("last_status_code"))

        def _parse_next_attempt_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                next_attempt_at_type_0 = datetime.datetime.fromisoformat(data)

                return next_attempt_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        next_attempt_at = _parse_next_attempt_at(d.pop("next_attempt_at"))

        object_ = check_webhook_delivery_object_enum(d.pop("object"))

        status = check_webhook_delivery_status_enum(d.pop("status"))

        def _parse_succeeded_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                succeeded_at_type_0 = datetime.datetime.fromisoformat(data)

                return succeeded_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        succeeded_at = _parse_succeeded_at(d.pop("succeeded_at"))

        webhook_delivery = cls(
            attempts=attempts,
            created_at=created_at,
            endpoint=endpoint,
            event=event,
            event_type=event_type,
            id=id,
            last_attempt_at=last_attempt_at,
            last_error=last_error,
            last_status_code=last_status_code,
            next_attempt_at=next_attempt_at,
            object_=object_,
            status=status,
            succeeded_at=succeeded_at,
        )

        webhook_delivery.additional_properties = d
        return webhook_delivery

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
