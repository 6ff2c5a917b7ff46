from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.event_object_enum import EventObjectEnum, check_event_object_enum

if TYPE_CHECKING:
    from ..models.event_data import EventData


T = TypeVar("T", bound="Event")


@_attrs_define
class Event:
    """
    Attributes:
        created_at (datetime.datetime): RFC 3339, UTC.
        data (EventData):
        id (str): `evt_…`
        livemode (bool):
        object_ (EventObjectEnum): * `event` - event
        request_id (None | str):
        type_ (str): e.g. `challenge.published`.
    """

    created_at: datetime.datetime
    data: EventData
    id: str
    livemode: bool
    object_: EventObjectEnum
    request_id: None | str
    type_: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        data = self.data.to_dict()

        id = self.id

        livemode = self.livemode

        object_: str = self.object_

        request_id: None | str
        request_id = self.request_id

        type_ = self.type_

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created_at": created_at,
                "data": data,
                "id": id,
                "livemode": livemode,
                "object": object_,
                "request_id": request_id,
                "type": type_,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.event_data import EventData

        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        data = EventData.from_dict(d.pop("data"))

        id = d.pop("id")

        livemode = d.pop("livemode")

        object_ = check_event_object_enum(d.pop("object"))

        def _parse_request_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        request_id = _parse_request_id(d.pop("request_id"))

        type_ = d.pop("type")

        event = cls(
            created_at=created_at,
            data=data,
            id=id,
            livemode=livemode,
            object_=object_,
            request_id=request_id,
            type_=type_,
        )

        event.additional_properties = d
        return event

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
