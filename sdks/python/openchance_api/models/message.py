from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.message_author_enum import MessageAuthorEnum, check_message_author_enum
from ..models.message_object_enum import MessageObjectEnum, check_message_object_enum

if TYPE_CHECKING:
    from ..models.application import Application


T = TypeVar("T", bound="Message")


@_attrs_define
class Message:
    """
    Attributes:
        application (Application | str): Id, or the object with `expand=application`.
        author (MessageAuthorEnum): * `organisation` - Organisation
            * `applicant` - Applicant
        body (str):
        created_at (datetime.datetime):
        id (str): `msg_…`
        livemode (bool):
        object_ (MessageObjectEnum): * `message` - message
    """

    application: Application | str
    author: MessageAuthorEnum
    body: str
    created_at: datetime.datetime
    id: str
    livemode: bool
    object_: MessageObjectEnum
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.application import Application

        application: dict[str, Any] | str
        if isinstance(self.application, Application):
            application = self.application.to_dict()
        else:
            application = self.application

        author: str = self.author

        body = self.body

        created_at = self.created_at.isoformat()

        id = self.id

        livemode = self.livemode

        object_: str = self.object_

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "application": application,
                "author": author,
                "body": body,
                "created_at": created_at,
                "id": id,
                "livemode": livemode,
                "object": object_,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.application import Application

        d = dict(src_dict)

        def _parse_application(data: object) -> Application | str:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                application_type_1 = Application.from_dict(data)

                return application_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Application | str, data)

        application = _parse_application(d.pop("application"))

        author = check_message_author_enum(d.pop("author"))

        body = d.pop("body")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        id = d.pop("id")

        livemode = d.pop("livemode")

        object_ = check_message_object_enum(d.pop("object"))

        message = cls(
            application=application,
            author=author,
            body=body,
            created_at=created_at,
            id=id,
            livemode=livemode,
            object_=object_,
        )

        message.additional_properties = d
        return message

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
