from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="PatchedWebhookEndpointUpdateRequest")


@_attrs_define
class PatchedWebhookEndpointUpdateRequest:
    """
    Attributes:
        description (str | Unset):
        enabled (bool | Unset): `true` re-enables a disabled endpoint (its failure streak ends).
        events (list[str] | Unset): Event-type patterns to receive: an event type (`challenge.published`), a family
            (`challenge.*`: every type that starts with `challenge.`) or `*` for every type — the same grammar as `GET
            /v1/events?type=` and WebSocket subscriptions; anything else is refused (400 `invalid_event_type_pattern`).
        url (str | Unset):
    """

    description: str | Unset = UNSET
    enabled: bool | Unset = UNSET
    events: list[str] | Unset = UNSET
    url: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        description = self.description

        enabled = self.enabled

        events: list[str] | Unset = UNSET
        if not isinstance(self.events, Unset):
            events = self.events

        url = self.url

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if description is not UNSET:
            field_dict["description"] = description
        if enabled is not UNSET:
            field_dict["enabled"] = enabled
        if events is not UNSET:
            field_dict["events"] = events
        if url is not UNSET:
            field_dict["url"] = url

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        description = d.pop("description", UNSET)

        enabled = d.pop("enabled", UNSET)

        events = cast(list[str], d.pop("events", UNSET))

        url = d.pop("url", UNSET)

        patched_webhook_endpoint_update_request = cls(
            description=description,
            enabled=enabled,
            events=events,
            url=url,
        )

        patched_webhook_endpoint_update_request.additional_properties = d
        return patched_webhook_endpoint_update_request

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
