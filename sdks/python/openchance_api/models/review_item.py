from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.review_object_enum import ReviewObjectEnum, check_review_object_enum
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.application import Application


T = TypeVar("T", bound="ReviewItem")


@_attrs_define
class ReviewItem:
    """
    Attributes:
        id (str): `rev_…`
        object_ (ReviewObjectEnum): * `review` - review
        application (Application | str | Unset): Id, or the object with `expand=application`.
        comment (str | Unset):
        created_at (datetime.datetime | Unset):
        livemode (bool | Unset):
        rating (int | Unset):
    """

    id: str
    object_: ReviewObjectEnum
    application: Application | str | Unset = UNSET
    comment: str | Unset = UNSET
    created_at: datetime.datetime | Unset = UNSET
    livemode: bool | Unset = UNSET
    rating: int | Unset = UNSET
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

        comment = self.comment

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        livemode = self.livemode

        rating = self.rating

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
        if comment is not UNSET:
            field_dict["comment"] = comment
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if livemode is not UNSET:
            field_dict["livemode"] = livemode
        if rating is not UNSET:
            field_dict["rating"] = rating

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.application import Application

        d = dict(src_dict)
        id = d.pop("id")

        object_ = check_review_object_enum(d.pop("object"))

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

        comment = d.pop("comment", UNSET)

        _created_at = d.pop("created_at", UNSET)
        created_at: datetime.datetime | Unset
        if isinstance(_created_at, Unset):
            created_at = UNSET
        else:
            created_at = datetime.datetime.fromisoformat(_created_at)

        livemode = d.pop("livemode", UNSET)

        rating = d.pop("rating", UNSET)

        review_item = cls(
            id=id,
            object_=object_,
            application=application,
            comment=comment,
            created_at=created_at,
            livemode=livemode,
            rating=rating,
        )

        review_item.additional_properties = d
        return review_item

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
