from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.review_object_enum import ReviewObjectEnum, check_review_object_enum

if TYPE_CHECKING:
    from ..models.application import Application


T = TypeVar("T", bound="Review")


@_attrs_define
class Review:
    """
    Attributes:
        application (Application | str): Id, or the object with `expand=application`.
        comment (str):
        created_at (datetime.datetime):
        id (str): `rev_…`
        livemode (bool):
        object_ (ReviewObjectEnum): * `review` - review
        rating (int):
    """

    application: Application | str
    comment: str
    created_at: datetime.datetime
    id: str
    livemode: bool
    object_: ReviewObjectEnum
    rating: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.application import Application

        application: dict[str, Any] | str
        if isinstance(self.application, Application):
            application = self.application.to_dict()
        else:
            application = self.application

        comment = self.comment

        created_at = self.created_at.isoformat()

        id = self.id

        livemode = self.livemode

        object_: str = self.object_

        rating = self.rating

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "application": application,
                "comment": comment,
                "created_at": created_at,
                "id": id,
                "livemode": livemode,
                "object": object_,
                "rating": rating,
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

        comment = d.pop("comment")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        id = d.pop("id")

        livemode = d.pop("livemode")

        object_ = check_review_object_enum(d.pop("object"))

        rating = d.pop("rating")

        review = cls(
            application=application,
            comment=comment,
            created_at=created_at,
            id=id,
            livemode=livemode,
            object_=object_,
            rating=rating,
        )

        review.additional_properties = d
        return review

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
