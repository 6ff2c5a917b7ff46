from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.message_author_enum import MessageAuthorEnum, check_message_author_enum
from ..models.message_object_enum import MessageObjectEnum, check_message_object_enum
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.application import Application


T = TypeVar("T", bound="MessageItem")


@_attrs_define
class MessageItem:
    """
    Attributes:
        id (str): `msg_…`
        object_ (MessageObjectEnum): * `message` - message
        application (Application | str | Unset): Id, or the object with `expand=application`.
        author (MessageAuthorEnum | Unset): * `organisation` - Organisation
            * `applicant` - Applicant
        body (str | Unset):
        created_at (datetime.datetime | Unset):
        livemode (bool | Unset):
    """

    id: str
    object_: MessageObjectEnum
    application: Application | str | Unset = UNSET
    author: MessageAuthorEnum | Unset = UNSET
    body: str | Unset = UNSET
    created_at: datetime.datetime | Unset = UNSET
    livemode: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.application import Application

        id = self.id

        object_: str = self.object_

        application: dict[str, Any] | str | Unset
        if isinstance(self.application, Unset):
            application = UNSET
        elif isinstance(self.application, Application):
            application = self.application.to_dict()
        else:
            application = self.application

        author: str | Unset = UNSET
        if not isinstance(self.author, Unset):
            author = self.author

        body = self.body

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        livemode = self.livemode

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "object": object_,
            }
        )
        if application is not UNSET:
            field_dict["application"] = application
        if author is not UNSET:
            field_dict["author"] = author
        if body is not UNSET:
            field_dict["body"] = body
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if livemode is not UNSET:
            field_dict["livemode"] = livemode

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.application import Application

        d = dict(src_dict)
        id = d.pop("id")

        object_ = check_message_object_enum(d.pop("object"))

        def _parse_application(data: object) -> Application | str | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                application_type_1 = Application.from_dict(data)

                return application_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Application | str | Unset, data)

        application = _parse_application(d.pop("application", UNSET))

        _author = d.pop("author", UNSET)
        author: MessageAuthorEnum | Unset
        if isinstance(_author, Unset):
            author = UNSET
        else:
            author = check_message_author_enum(_author)

        body = d.pop("body", UNSET)

        _created_at = d.pop("created_at", UNSET)
        created_at: datetime.datetime | Unset
        if isinstance(_created_at, Unset):
            created_at = UNSET
        else:
            created_at = datetime.datetime.fromisoformat(_created_at)

        livemode = d.pop("livemode", UNSET)

        message_item = cls(
            id=id,
            object_=object_,
            application=application,
            author=author,
            body=body,
            created_at=created_at,
            livemode=livemode,
        )

        message_item.additional_properties = d
        return message_item

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
