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

if TYPE_CHECKING:
    from ..models.applicant_output import ApplicantOutput
    from ..models.application_metadata import ApplicationMetadata
    from ..models.challenge import Challenge


T = TypeVar("T", bound="Application")


@_attrs_define
class Application:
    """
    Attributes:
        applicant (ApplicantOutput):
        challenge (Challenge | str): Id, or the object with `expand=challenge`.
        created_at (datetime.datetime):
        id (str): `app_…`
        links (list[str]):
        livemode (bool):
        metadata (ApplicationMetadata):
        object_ (ApplicationObjectEnum): * `application` - application
        pitch (str):
        score (int | None):
        status (ApplicationStatusEnum): * `submitted` - Submitted
            * `shortlisted` - Shortlisted
            * `accepted` - Accepted
            * `rejected` - Rejected
            * `withdrawn` - Withdrawn
        updated_at (datetime.datetime):
    """

    applicant: ApplicantOutput
    challenge: Challenge | str
    created_at: datetime.datetime
    id: str
    links: list[str]
    livemode: bool
    metadata: ApplicationMetadata
    object_: ApplicationObjectEnum
    pitch: str
    score: int | None
    status: ApplicationStatusEnum
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.challenge import Challenge

        applicant = self.applicant.to_dict()

        challenge: dict[str, Any] | str
        if isinstance(self.challenge, Challenge):
            challenge = self.challenge.to_dict()
        else:
            challenge = self.challenge

        created_at = self.created_at.isoformat()

        id = self.id

        links = self.links

        livemode = self.livemode

        metadata = self.metadata.to_dict()

        object_: str = self.object_

        pitch = self.pitch

        score: int | None
        score = self.score

        status: str = self.status

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "applicant": applicant,
                "challenge": challenge,
                "created_at": created_at,
                "id": id,
                "links": links,
                "livemode": livemode,
                "metadata": metadata,
                "object": object_,
                "pitch": pitch,
                "score": score,
                "status": status,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.applicant_output import ApplicantOutput
        from ..models.application_metadata import ApplicationMetadata
        from ..models.challenge import Challenge

        d = dict(src_dict)
        applicant = ApplicantOutput.from_dict(d.pop("applicant"))

        def _parse_challenge(data: object) -> Challenge | str:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                challenge_type_1 = Challenge.from_dict(data)

                return challenge_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Challenge | str, data)

        challenge = _parse_challenge(d.pop("challenge"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        id = d.pop("id")

        links = cast(list[str], d.pop("links"))

        livemode = d.pop("livemode")

        metadata = ApplicationMetadata.from_dict(d.pop("metadata"))

        object_ = check_application_object_enum(d.pop("object"))

        pitch = d.pop("pitch")

        def _parse_score(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        score = _parse_score(d.pop("score"))

        status = check_application_status_enum(d.pop("status"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        application = cls(
            applicant=applicant,
            challenge=challenge,
            created_at=created_at,
            id=id,
            links=links,
            livemode=livemode,
            metadata=metadata,
            object_=object_,
            pitch=pitch,
            score=score,
            status=status,
            updated_at=updated_at,
        )

        application.additional_properties = d
        return application

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
