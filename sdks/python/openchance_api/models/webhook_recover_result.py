from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.webhook_recover_result_object_enum import (
    WebhookRecoverResultObjectEnum,
    check_webhook_recover_result_object_enum,
)

T = TypeVar("T", bound="WebhookRecoverResult")


@_attrs_define
class WebhookRecoverResult:
    """
    Attributes:
        deliveries (int): How many deliveries were re-enqueued.
        endpoint (str):
        object_ (WebhookRecoverResultObjectEnum): * `webhook_recovery` - webhook_recovery
        since (datetime.datetime):
    """

    deliveries: int
    endpoint: str
    object_: WebhookRecoverResultObjectEnum
    since: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        deliveries = self.deliveries

        endpoint = self.endpoint

        object_: str = self.object_

        since = self.since.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "deliveries": deliveries,
                "endpoint": endpoint,
                "object": object_,
                "since": since,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        deliveries = d.pop("deliveries")

        endpoint = d.pop("endpoint")

        object_ = check_webhook_recover_result_object_enum(d.pop("object"))

        since = datetime.datetime.fromisoformat(d.pop("since"))

        webhook_recover_result = cls(
            deliveries=deliveries,
            endpoint=endpoint,
            object_=object_,
            since=since,
        )

        webhook_recover_result.additional_properties = d
        return webhook_recover_result

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
