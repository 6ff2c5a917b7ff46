from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.webhook_endpoint_object_enum import (
    WebhookEndpointObjectEnum,
    check_webhook_endpoint_object_enum,
)

if TYPE_CHECKING:
    from ..models.webhook_endpoint_health import WebhookEndpointHealth


T = TypeVar("T", bound="WebhookEndpointWithSecret")


@_attrs_define
class WebhookEndpointWithSecret:
    """
    Attributes:
        created_at (datetime.datetime):
        description (str):
        disabled_at (datetime.datetime | None):
        disabled_reason (None | str):
        enabled (bool):
        events (list[str]): Event-type patterns to receive: an event type (`challenge.published`), a family
            (`challenge.*`: every type that starts with `challenge.`) or `*` for every type — the same grammar as `GET
            /v1/events?type=` and WebSocket subscriptions; anything else is refused (400 `invalid_event_type_pattern`).
        health (WebhookEndpointHealth):
        id (str): `we_…`
        livemode (bool):
        object_ (WebhookEndpointObjectEnum): * `webhook_endpoint` - webhook_endpoint
        secret (str): `whsec_…`: verify signatures with it.
        updated_at (datetime.datetime):
        url (str):
    """

    created_at: datetime.datetime
    description: str
    disabled_at: datetime.datetime | None
    disabled_reason: None | str
    enabled: bool
    events: list[str]
    health: WebhookEndpointHealth
    id: str
    livemode: bool
    object_: WebhookEndpointObjectEnum
    secret: str
    updated_at: datetime.datetime
    url: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        description = self.description

        disabled_at: None | str
        if isinstance(self.disabled_at, datetime.datetime):
            disabled_at = self.disabled_at.isoformat()
        else:
            disabled_at = self.disabled_at

        disabled_reason: None | str
        disabled_reason = self.disabled_reason

        enabled = self.enabled

        events = self.events

        health = self.health.to_dict()

        id = self.id

        livemode = self.livemode

        object_: str = self.object_

        secret = self.secret

        updated_at = self.updated_at.isoformat()

        url = self.url

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created_at": created_at,
                "description": description,
                "disabled_at": disabled_at,
                "disabled_reason": disabled_reason,
                "enabled": enabled,
                "events": events,
                "health": health,
                "id": id,
                "livemode": livemode,
                "object": object_,
                "secret": secret,
                "updated_at": updated_at,
                "url": url,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.webhook_endpoint_health import WebhookEndpointHealth

        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        description = d.pop("description")

        def _parse_disabled_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                disabled_at_type_0 = datetime.datetime.fromisoformat(data)

                return disabled_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        disabled_at = _parse_disabled_at(d.pop("disabled_at"))

        def _parse_disabled_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        disabled_reason = _parse_disabled_reason(d.pop("disabled_reason"))

        enabled = d.pop("enabled")

        events = cast(list[str], d.pop("events"))

        health = WebhookEndpointHealth.from_dict(d.pop("health"))

        id = d.pop("id")

        livemode = d.pop("livemode")

        object_ = check_webhook_endpoint_object_enum(d.pop("object"))

        secret = d.pop("secret")

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        url = d.pop("url")

        webhook_endpoint_with_secret = cls(
            created_at=created_at,
            description=description,
            disabled_at=disabled_at,
            disabled_reason=disabled_reason,
            enabled=enabled,
            events=events,
            health=health,
            id=id,
            livemode=livemode,
            object_=object_,
            secret=secret,
            updated_at=updated_at,
            url=url,
        )

        webhook_endpoint_with_secret.additional_properties = d
        return webhook_endpoint_with_secret

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
