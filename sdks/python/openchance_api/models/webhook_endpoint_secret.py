from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.webhook_endpoint_secret_object_enum import (
    WebhookEndpointSecretObjectEnum,
    check_webhook_endpoint_secret_object_enum,
)

T = TypeVar("T", bound="WebhookEndpointSecret")


@_attrs_define
class WebhookEndpointSecret:
    """
    Attributes:
        endpoint (str):
        object_ (WebhookEndpointSecretObjectEnum): * `webhook_endpoint_secret` - webhook_endpoint_secret
        previous_secret_expires_at (datetime.datetime | None): Until then the previous secret signs as well.
        secret (str): `whsec_…`
    """

    endpoint: str
    object_: WebhookEndpointSecretObjectEnum
    previous_secret_expires_at: datetime.datetime | None
    secret: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        endpoint = self.endpoint

        object_: str = self.object_

        previous_secret_expires_at: None | str
        if isinstance(self.previous_secret_expires_at, datetime.datetime):
            previous_secret_expires_at = self.previous_secret_expires_at.isoformat()
        else:
            previous_secret_expires_at = self.previous_secret_expires_at

        secret = self.secret

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "endpoint": endpoint,
                "object": object_,
                "previous_secret_expires_at": previous_secret_expires_at,
                "secret": secret,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        endpoint = d.pop("endpoint")

        object_ = check_webhook_endpoint_secret_object_enum(d.pop("object"))

        def _parse_previous_secret_expires_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                previous_secret_expires_at_type_0 = datetime.datetime.fromisoformat(
                    data
                )

                return previous_secret_expires_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        previous_secret_expires_at = _parse_previous_secret_expires_at(
            d.pop("previous_secret_expires_at")
        )

        secret = d.pop("secret")

        webhook_endpoint_secret = cls(
            endpoint=endpoint,
            object_=object_,
            previous_secret_expires_at=previous_secret_expires_at,
            secret=secret,
        )

        webhook_endpoint_secret.additional_properties = d
        return webhook_endpoint_secret

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
