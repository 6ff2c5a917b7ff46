from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.applicant_request import ApplicantRequest
    from ..models.application_create_request_metadata import (
        ApplicationCreateRequestMetadata,
    )


T = TypeVar("T", bound="ApplicationCreateRequest")


@_attrs_define
class ApplicationCreateRequest:
    """
    Attributes:
        applicant (ApplicantRequest):
        links (list[str] | Unset):
        metadata (ApplicationCreateRequestMetadata | Unset):
        pitch (str | Unset):
    """

    applicant: ApplicantRequest
    links: list[str] | Unset = UNSET
    metadata: ApplicationCreateRequestMetadata | Unset = UNSET
    pitch: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        applicant = self.applicant.to_dict()

        links: list[str] | Unset = UNSET
        if not isinstance(self.links, Unset):
            links = self.links

        metadata: dict[str, Any] | Unset = UNSET
        if not isinstance(self.metadata, Unset):
            metadata = self.metadata.to_dict()

        pitch = self.pitch

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "applicant": applicant,
            }
        )
        if links is not UNSET:
            field_dict["links"] = links
        if metadata is not UNSET:
            field_dict["metadata"] = metadata
        if pitch is not UNSET:
            field_dict["pitch"] = pitch

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.applicant_request import ApplicantRequest
        from ..models.application_create_request_metadata import (
            ApplicationCreateRequestMetadata,
        )

        d = dict(src_dict)
        applicant = ApplicantRequest.from_dict(d.pop("applicant"))

        links = cast(list[str], d.pop("links", UNSET))

        _metadata = d.pop("metadata", UNSET)
        metadata: ApplicationCreateRequestMetadata | Unset
        if isinstance(_metadata, Unset):
            metadata = UNSET
        else:
            metadata = ApplicationCreateRequestMetadata.from_dict(_metadata)

        pitch = d.pop("pitch", UNSET)

        application_create_request = cls(
            applicant=applicant,
            links=links,
            metadata=metadata,
            pitch=pitch,
        )

        application_create_request.additional_properties = d
        return application_create_request

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
