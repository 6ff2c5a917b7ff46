from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.challenge_category_enum import (
    ChallengeCategoryEnum,
    check_challenge_category_enum,
)
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.challenge_create_request_metadata import (
        ChallengeCreateRequestMetadata,
    )
    from ..models.reward_request import RewardRequest


T = TypeVar("T", bound="ChallengeCreateRequest")


@_attrs_define
class ChallengeCreateRequest:
    """
    Attributes:
        title (str):
        category (ChallengeCategoryEnum | Unset): * `bounty` - Bounty
            * `hackathon` - Hackathon
            * `gig` - Gig
            * `grant` - Grant
            * `other` - Other
        deadline (datetime.datetime | None | Unset): Must be in the future.
        description (str | Unset):
        location (None | str | Unset):
        max_applications (int | None | Unset):
        metadata (ChallengeCreateRequestMetadata | Unset):
        remote (bool | Unset):
        reward (None | RewardRequest | Unset):
        skills (list[str] | Unset): Up to 20 skills; stored in lowercase.
        summary (str | Unset):
        tags (list[str] | Unset): Up to 20 labels; stored in lowercase.
    """

    title: str
    category: ChallengeCategoryEnum | Unset = UNSET
    deadline: datetime.datetime | None | Unset = UNSET
    description: str | Unset = UNSET
    location: None | str | Unset = UNSET
    max_applications: int | None | Unset = UNSET
    metadata: ChallengeCreateRequestMetadata | Unset = UNSET
    remote: bool | Unset = UNSET
    reward: None | RewardRequest | Unset = UNSET
    skills: list[str] | Unset = UNSET
    summary: str | Unset = UNSET
    tags: list[str] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.reward_request import RewardRequest

        title = self.title

        category: str | Unset = UNSET
        if not isinstance(self.category, Unset):
            category = self.category

        deadline: None | str | Unset
        if isinstance(self.deadline, Unset):
            deadline = UNSET
        elif isinstance(self.deadline, datetime.datetime):
            deadline = self.deadline.isoformat()
        else:
            deadline = self.deadline

        description = self.description

        location: None | str | Unset
        if isinstance(self.location, Unset):
            location = UNSET
        else:
            location = self.location

        max_applications: int | None | Unset
        if isinstance(self.max_applications, Unset):
            max_applications = UNSET
        else:
            max_applications = self.max_applications

        metadata: dict[str, Any] | Unset = UNSET
        if not isinstance(self.metadata, Unset):
            metadata = self.metadata.to_dict()

        remote = self.remote

        reward: dict[str, Any] | None | Unset
        if isinstance(self.reward, Unset):
            reward = UNSET
        elif isinstance(self.reward, RewardRequest):
            reward = self.reward.to_dict()
        else:
            reward = self.reward

        skills: list[str] | Unset = UNSET
        if not isinstance(self.skills, Unset):
            skills = self.skills

        summary = self.summary

        tags: list[str] | Unset = UNSET
        if not isinstance(self.tags, Unset):
            tags = self.tags

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "title": title,
            }
        )
        if category is not UNSET:
            field_dict["category"] = category
        if deadline is not UNSET:
            field_dict["deadline"] = deadline
        if description is not UNSET:
            field_dict["description"] = description
        if location is not UNSET:
            field_dict["location"] = location
        if max_applications is not UNSET:
            field_dict["max_applications"] = max_applications
        if metadata is not UNSET:
            field_dict["metadata"] = metadata
        if remote is not UNSET:
            field_dict["remote"] = remote
        if reward is not UNSET:
            field_dict["reward"] = reward
        if skills is not UNSET:
            field_dict["skills"] = skills
        if summary is not UNSET:
            field_dict["summary"] = summary
        if tags is not UNSET:
            field_dict["tags"] = tags

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.challenge_create_request_metadata import (
            ChallengeCreateRequestMetadata,
        )
        from ..models.reward_request import RewardRequest

        d = dict(src_dict)
        title = d.pop("title")

        _category = d.pop("category", UNSET)
        category: ChallengeCategoryEnum | Unset
        if isinstance(_category, Unset):
            category = UNSET
        else:
            category = check_challenge_category_enum(_category)

        def _parse_deadline(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                deadline_type_0 = datetime.datetime.fromisoformat(data)

                return deadline_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        deadline = _parse_deadline(d.pop("deadline", UNSET))

        description = d.pop("description", UNSET)

        def _parse_location(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        location = _parse_location(d.pop("location", UNSET))

        def _parse_max_applications(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        max_applications = _parse_max_applications(d.pop("max_applications", UNSET))

        _metadata = d.pop("metadata", UNSET)
        metadata: ChallengeCreateRequestMetadata | Unset
        if isinstance(_metadata, Unset):
            metadata = UNSET
        else:
            metadata = ChallengeCreateRequestMetadata.from_dict(_metadata)

        remote = d.pop("remote", UNSET)

        def _parse_reward(data: object) -> None | RewardRequest | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                reward_type_1 = RewardRequest.from_dict(data)

                return reward_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RewardRequest | Unset, data)

        reward = _parse_reward(d.pop("reward", UNSET))

        skills = cast(list[str], d.pop("skills", UNSET))

        summary = d.pop("summary", UNSET)

        tags = cast(list[str], d.pop("tags", UNSET))

        challenge_create_request = cls(
            title=title,
            category=category,
            deadline=deadline,
            description=description,
            location=location,
            max_applications=max_applications,
            metadata=metadata,
            remote=remote,
            reward=reward,
            skills=skills,
            summary=summary,
            tags=tags,
        )

        challenge_create_request.additional_properties = d
        return challenge_create_request

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
