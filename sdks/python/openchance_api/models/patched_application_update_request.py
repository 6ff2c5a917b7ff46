from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.patched_application_update_request_metadata import (
        PatchedApplicationUpdateRequestMetadata,
    )


T = TypeVar("T", bound="PatchedApplicationUpdateRequest")


@_attrs_define
class PatchedApplicationUpdateRequest:
    """
    Attributes:
        links (list[str] | Unset):
        metadata (PatchedApplicationUpdateRequestMetadata | Unset):
        pitch (str | Unset):
        score (int | None | Unset):
    """

    links: list[str] | Unset = UNSET
    metadata: PatchedApplicationUpdateRequestMetadata | Unset = UNSET
    pitch: str | Unset = UNSET
    score: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        links: list[str] | Unset = UNSET
        if not isinstance(self.links, Unset):
            links = self.links

        metadata: dict[str, Any] | Unset = UNSET
        if not isinstance(self.metadata, Unset):
            metadata = self.metadata.to_dict()

        pitch = self.pitch

        score: int | None | Unset
        if isinstance(self.score, Unset):
            score = UNSET
        else:
            score = self.score

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if links is not UNSET:
            field_dict["links"] = links
        if metadata is not UNSET:
            field_dict["metadata"] = metadata
        if pitch is not UNSET:
            field_dict["pitch"] = pitch
        if score is not UNSET:
            field_dict["score"] = score

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.patched_application_update_request_metadata import (
            PatchedApplicationUpdateRequestMetadata,
        )

        d = dict(src_dict)
        links = cast(list[str], d.pop("links", UNSET))

        _metadata = d.pop("metadata", UNSET)
        metadata: PatchedApplicationUpdateRequestMetadata | Unset
        if isinstance(_metadata, Unset):
            metadata = UNSET
        else:
            metadata = PatchedApplicationUpdateRequestMetadata.from_dict(_metadata)

        pitch = d.pop("pitch", UNSET)

        def _parse_score(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        score = _parse_score(d.pop("score", UNSET))

        patched_application_update_request = cls(
            links=links,
            metadata=metadata,
            pitch=pitch,
            score=score,
        )

        patched_application_update_request.additional_properties = d
        return patched_application_update_request

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
