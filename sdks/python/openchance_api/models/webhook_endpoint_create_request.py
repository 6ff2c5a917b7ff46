from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="WebhookEndpointCreateRequest")


@_attrs_define
class WebhookEndpointCreateRequest:
    """
    Attributes:
        events (list[str]): Event-type patterns to receive: an event type (`challenge.published`), a family
            (`challenge.*`: every type that starts with `challenge.`) or `*` for every type — the same grammar as `GET
            /v1/events?type=` and WebSocket subscriptions; anything else is refused (400 `invalid_event_type_pattern`).
        url (str): Where events are POSTed: https (http only where the platform allows it), resolving to a public
            address.
        description (str | Unset):  Default: ''.
        enabled (bool | Unset):  Default: True.
    """

    events: list[str]
    url: str
    description: str | Unset = ""
    enabled: bool | Unset = True
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        events = self.events

        url = self.url

        description = self.description

        enabled = self.enabled

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "events": events,
                "url": url,
            }
        )
        if description is not UNSET:
            field_dict["description"] = description
        if enabled is not UNSET:
            field_dict["enabled"] = enabled

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        events = cast(list[str], d.pop("events"))

        url = d.pop("url")

        description = d.pop("description", UNSET)

        enabled = d.pop("enabled", UNSET)

        webhook_endpoint_create_request = cls(
            events=events,
            url=url,
            description=description,
            enabled=enabled,
        )

        webhook_endpoint_create_request.additional_properties = d
        return webhook_endpoint_create_request

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
