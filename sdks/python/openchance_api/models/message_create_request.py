from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.message_author_enum import MessageAuthorEnum, check_message_author_enum

T = TypeVar("T", bound="MessageCreateRequest")


@_attrs_define
class MessageCreateRequest:
    """
    Attributes:
        author (MessageAuthorEnum): * `organisation` - Organisation
            * `applicant` - Applicant
        body (str):
    """

    author: MessageAuthorEnum
    body: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        author: str = self.author

        body = self.body

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "author": author,
                "body": body,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        author = check_message_author_enum(d.pop("author"))

        body = d.pop("body")

        message_create_request = cls(
            author=author,
            body=body,
        )

        message_create_request.additional_properties = d
        return message_create_request

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
