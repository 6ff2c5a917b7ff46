from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.application_object_enum import (
    ApplicationObjectEnum,
    check_application_object_enum,
)
from ..models.application_status_enum import (
    ApplicationStatusEnum,
    check_application_status_enum,
)
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.applicant_output import ApplicantOutput
    from ..models.application_item_metadata import ApplicationItemMetadata
    from ..models.challenge import Challenge


T = TypeVar("T", bound="ApplicationItem")


@_attrs_define
class ApplicationItem:
    """
    Attributes:
        id (str): `app_…`
        object_ (ApplicationObjectEnum): * `application` - application
        applicant (ApplicantOutput | Unset):
        challenge (Challenge | str | Unset): Id, or the object with `expand=challenge`.
        created_at (datetime.datetime | Unset):
        links (list[str] | Unset):
        livemode (bool | Unset):
        metadata (ApplicationItemMetadata | Unset):
        pitch (str | Unset):
        score (int | None | Unset):
        status (ApplicationStatusEnum | Unset): * `submitted` - Submitted
            * `shortlisted` - Shortlisted
            * `accepted` - Accepted
            * `rejected` - Rejected
            * `withdrawn` - Withdrawn
        updated_at (datetime.datetime | Unset):
    """

    id: str
    object_: ApplicationObjectEnum
    applicant: ApplicantOutput | Unset = UNSET
    challenge: Challenge | str | Unset = UNSET
    created_at: datetime.datetime | Unset = UNSET
    links: list[str] | Unset = UNSET
    livemode: bool | Unset = UNSET
    metadata: ApplicationItemMetadata | Unset = UNSET
    pitch: str | Unset = UNSET
    score: int | None | Unset = UNSET
    status: ApplicationStatusEnum | Unset = UNSET
    updated_at: datetime.datetime | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.challenge import Challenge

        id = self.id

        object_: str = self.object_

        applicant: dict[str, Any] | Unset = UNSET
        if not isinstance(self.applicant, Unset):
            applicant = self.applicant.to_dict()

        challenge: dict[str, Any] | str | Unset
        if isinstance(self.challenge, Unset):
            challenge = UNSET
        elif isinstance(self.challenge, Challenge):
            challenge = self.challenge.to_dict()
        else:
            challenge = self.challenge

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        links: list[str] | Unset = UNSET
        if not isinstance(self.links, Unset):
            links = self.links

        livemode = self.livemode

        metadata: dict[str, Any] | Unset = UNSET
        if not isinstance(self.metadata, Unset):
            metadata = self.metadata.to_dict()

        pitch = self.pitch

        score: int | None | Unset
        if isinstance(self.score, Unset):
            score = UNSET
        else:
            score = self.score

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status

        updated_at: str | Unset = UNSET
        if not isinstance(self.updated_at, Unset):
            updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "object": object_,
            }
        )
        if applicant is not UNSET:
            field_dict["applicant"] = applicant
        if challenge is not UNSET:
            field_dict["challenge"] = challenge
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if links is not UNSET:
            field_dict["links"] = links
        if livemode is not UNSET:
            field_dict["livemode"] = livemode
        if metadata is not UNSET:
            field_dict["metadata"] = metadata
        if pitch is not UNSET:
            field_dict["pitch"] = pitch
        if score is not UNSET:
            field_dict["score"] = score
        if status is not UNSET:
            field_dict["status"] = status
        if updated_at is not UNSET:
            field_dict["updated_at"] = updated_at

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.applicant_output import ApplicantOutput
        from ..models.application_item_metadata import ApplicationItemMetadata
        from ..models.challenge import Challenge

        d = dict(src_dict)
        id = d.pop("id")

        object_ = check_application_object_enum(d.pop("object"))

        _applicant = d.pop("applicant", UNSET)
        applicant: ApplicantOutput | Unset
        if isinstance(_applicant, Unset):
            applicant = UNSET
        else:
            applicant = ApplicantOutput.from_dict(_applicant)

        def _parse_challenge(data: object) -> Challenge | str | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                challenge_type_1 = Challenge.from_dict(data)

                return challenge_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Challenge | str | Unset, data)

        challenge = _parse_challenge(d.pop("challenge", UNSET))

        _created_at = d.pop("created_at", UNSET)
        created_at: datetime.datetime | Unset
        if isinstance(_created_at, Unset):
            created_at = UNSET
        else:
            created_at = datetime.datetime.fromisoformat(_created_at)

        links = cast(list[str], d.pop("links", UNSET))

        livemode = d.pop("livemode", UNSET)

        _metadata = d.pop("metadata", UNSET)
        metadata: ApplicationItemMetadata | Unset
        if isinstance(_metadata, Unset):
            metadata = UNSET
        else:
            metadata = ApplicationItemMetadata.from_dict(_metadata)

        pitch = d.pop("pitch", UNSET)

        def _parse_score(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        score = _parse_score(d.pop("score", UNSET))

        _status = d.pop("status", UNSET)
        status: ApplicationStatusEnum | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = check_application_status_enum(_status)

        _updated_at = d.pop("updated_at", UNSET)
        updated_at: datetime.datetime | Unset
        if isinstance(_updated_at, Unset):
            updated_at = UNSET
        else:
            updated_at = datetime.datetime.fromisoformat(_updated_at)

        application_item = cls(
            id=id,
            object_=object_,
            applicant=applicant,
            challenge=challenge,
            created_at=created_at,
            links=links,
            livemode=livemode,
            metadata=metadata,
            pitch=pitch,
            score=score,
            status=status,
            updated_at=updated_at,
        )

        application_item.additional_properties = d
        return application_item

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
