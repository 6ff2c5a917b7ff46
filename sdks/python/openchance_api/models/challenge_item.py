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
from ..models.challenge_object_enum import (
    ChallengeObjectEnum,
    check_challenge_object_enum,
)
from ..models.challenge_status_enum import (
    ChallengeStatusEnum,
    check_challenge_status_enum,
)
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.challenge_item_metadata import ChallengeItemMetadata
    from ..models.reward import Reward


T = TypeVar("T", bound="ChallengeItem")


@_attrs_define
class ChallengeItem:
    """
    Attributes:
        id (str): `chl_…`
        object_ (ChallengeObjectEnum): * `challenge` - challenge
        application_count (int | Unset): Applications received, withdrawn ones excluded.
        awarded_at (datetime.datetime | None | Unset):
        cancelled_at (datetime.datetime | None | Unset):
        category (ChallengeCategoryEnum | Unset): * `bounty` - Bounty
            * `hackathon` - Hackathon
            * `gig` - Gig
            * `grant` - Grant
            * `other` - Other
        closed_at (datetime.datetime | None | Unset):
        created_at (datetime.datetime | Unset):
        deadline (datetime.datetime | None | Unset):
        description (str | Unset):
        livemode (bool | Unset): `false` for sandbox (test key) data.
        location (None | str | Unset):
        max_applications (int | None | Unset):
        metadata (ChallengeItemMetadata | Unset):
        published_at (datetime.datetime | None | Unset):
        remote (bool | Unset):
        reward (None | Reward | Unset):
        skills (list[str] | Unset):
        status (ChallengeStatusEnum | Unset): * `draft` - Draft
            * `open` - Open
            * `closed` - Closed
            * `awarded` - Awarded
            * `cancelled` - Cancelled
        summary (str | Unset):
        tags (list[str] | Unset):
        title (str | Unset):
        updated_at (datetime.datetime | Unset):
    """

    id: str
    object_: ChallengeObjectEnum
    application_count: int | Unset = UNSET
    awarded_at: datetime.datetime | None | Unset = UNSET
    cancelled_at: datetime.datetime | None | Unset = UNSET
    category: ChallengeCategoryEnum | Unset = UNSET
    closed_at: datetime.datetime | None | Unset = UNSET
    created_at: datetime.datetime | Unset = UNSET
    deadline: datetime.datetime | None | Unset = UNSET
    description: str | Unset = UNSET
    livemode: bool | Unset = UNSET
    location: None | str | Unset = UNSET
    max_applications: int | None | Unset = UNSET
    metadata: ChallengeItemMetadata | Unset = UNSET
    published_at: datetime.datetime | None | Unset = UNSET
    remote: bool | Unset = UNSET
    reward: None | Reward | Unset = UNSET
    skills: list[str] | Unset = UNSET
    status: ChallengeStatusEnum | Unset = UNSET
    summary: str | Unset = UNSET
    tags: list[str] | Unset = UNSET
    title: str | Unset = UNSET
    updated_at: datetime.datetime | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.reward import Reward

        id = self.id

        object_: str = self.object_

        application_count = self.application_count

        awarded_at: None | str | Unset
        if isinstance(self.awarded_at, Unset):
            awarded_at = UNSET
        elif isinstance(self.awarded_at, datetime.datetime):
            awarded_at = self.awarded_at.isoformat()
        else:
            awarded_at = self.awarded_at

        cancelled_at: None | str | Unset
        if isinstance(self.cancelled_at, Unset):
            cancelled_at = UNSET
        elif isinstance(self.cancelled_at, datetime.datetime):
            cancelled_at = self.cancelled_at.isoformat()
        else:
            cancelled_at = self.cancelled_at

        category: str | Unset = UNSET
        if not isinstance(self.category, Unset):
            category = self.category

        closed_at: None | str | Unset
        if isinstance(self.closed_at, Unset):
            closed_at = UNSET
        elif isinstance(self.closed_at, datetime.datetime):
            closed_at = self.closed_at.isoformat()
        else:
            closed_at = self.closed_at

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        deadline: None | str | Unset
        if isinstance(self.deadline, Unset):
            deadline = UNSET
        elif isinstance(self.deadline, datetime.datetime):
            deadline = self.deadline.isoformat()
        else:
            deadline = self.deadline

        description = self.description

        livemode = self.livemode

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

        published_at: None | str | Unset
        if isinstance(self.published_at, Unset):
            published_at = UNSET
        elif isinstance(self.published_at, datetime.datetime):
            published_at = self.published_at.isoformat()
        else:
            published_at = self.published_at

        remote = self.remote

        reward: dict[str, Any] | None | Unset
        if isinstance(self.reward, Unset):
            reward = UNSET
        elif isinstance(self.reward, Reward):
            reward = self.reward.to_dict()
        else:
            reward = self.reward

        skills: list[str] | Unset = UNSET
        if not isinstance(self.skills, Unset):
            skills = self.skills

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status

        summary = self.summary

        tags: list[str] | Unset = UNSET
        if not isinstance(self.tags, Unset):
            tags = self.tags

        title = self.title

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
        if application_count is not UNSET:
            field_dict["application_count"] = application_count
        if awarded_at is not UNSET:
            field_dict["awarded_at"] = awarded_at
        if cancelled_at is not UNSET:
            field_dict["cancelled_at"] = cancelled_at
        if category is not UNSET:
            field_dict["category"] = category
        if closed_at is not UNSET:
            field_dict["closed_at"] = closed_at
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if deadline is not UNSET:
            field_dict["deadline"] = deadline
        if description is not UNSET:
            field_dict["description"] = description
        if livemode is not UNSET:
            field_dict["livemode"] = livemode
        if location is not UNSET:
            field_dict["location"] = location
        if max_applications is not UNSET:
            field_dict["max_applications"] = max_applications
        if metadata is not UNSET:
            field_dict["metadata"] = metadata
        if published_at is not UNSET:
            field_dict["published_at"] = published_at
        if remote is not UNSET:
            field_dict["remote"] = remote
        if reward is not UNSET:
            field_dict["reward"] = reward
        if skills is not UNSET:
            field_dict["skills"] = skills
        if status is not UNSET:
            field_dict["status"] = status
        if summary is not UNSET:
            field_dict["summary"] = summary
        if tags is not UNSET:
            field_dict["tags"] = tags
        if title is not UNSET:
            field_dict["title"] = title
        if updated_at is not UNSET:
            field_dict["updated_at"] = updated_at

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.challenge_item_metadata import ChallengeItemMetadata
        from ..models.reward import Reward

        d = dict(src_dict)
        id = d.pop("id")

        object_ = check_challenge_object_enum(d.pop("object"))

        application_count = d.pop("application_count", UNSET)

        def _parse_awarded_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                awarded_at_type_0 = datetime.datetime.fromisoformat(data)

                return awarded_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        awarded_at = _parse_awarded_at(d.pop("awarded_at", UNSET))

        def _parse_cancelled_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                cancelled_at_type_0 = datetime.datetime.fromisoformat(data)

                return cancelled_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        cancelled_at = _parse_cancelled_at(d.pop("cancelled_at", UNSET))

        _category = d.pop("category", UNSET)
        category: ChallengeCategoryEnum | Unset
        if isinstance(_category, Unset):
            category = UNSET
        else:
            category = check_challenge_category_enum(_category)

        def _parse_closed_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                closed_at_type_0 = datetime.datetime.fromisoformat(data)

                return closed_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        closed_at = _parse_closed_at(d.pop("closed_at", UNSET))

        _created_at = d.pop("created_at", UNSET)
        created_at: datetime.datetime | Unset
        if isinstance(_created_at, Unset):
            created_at = UNSET
        else:
            created_at = datetime.datetime.fromisoformat(_created_at)

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

        livemode = d.pop("livemode", UNSET)

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
        metadata: ChallengeItemMetadata | Unset
        if isinstance(_metadata, Unset):
            metadata = UNSET
        else:
            metadata = ChallengeItemMetadata.from_dict(_metadata)

        def _parse_published_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                published_at_type_0 = datetime.datetime.fromisoformat(data)

                return published_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        published_at = _parse_published_at(d.pop("published_at", UNSET))

        remote = d.pop("remote", UNSET)

        def _parse_reward(data: object) -> None | Reward | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                reward_type_1 = Reward.from_dict(data)

                return reward_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Reward | Unset, data)

        reward = _parse_reward(d.pop("reward", UNSET))

        skills = cast(list[str], d.pop("skills", UNSET))

        _status = d.pop("status", UNSET)
        status: ChallengeStatusEnum | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = check_challenge_status_enum(_status)

        summary = d.pop("summary", UNSET)

        tags = cast(list[str], d.pop("tags", UNSET))

        title = d.pop("title", UNSET)

        _updated_at = d.pop("updated_at", UNSET)
        updated_at: datetime.datetime | Unset
        if isinstance(_updated_at, Unset):
            updated_at = UNSET
        else:
            updated_at = datetime.datetime.fromisoformat(_updated_at)

        challenge_item = cls(
            id=id,
            object_=object_,
            application_count=application_count,
            awarded_at=awarded_at,
            cancelled_at=cancelled_at,
            category=category,
            closed_at=closed_at,
            created_at=created_at,
            deadline=deadline,
            description=description,
            livemode=livemode,
            location=location,
            max_applications=max_applications,
            metadata=metadata,
            published_at=published_at,
            remote=remote,
            reward=reward,
            skills=skills,
            status=status,
            summary=summary,
            tags=tags,
            title=title,
            updated_at=updated_at,
        )

        challenge_item.additional_properties = d
        return challenge_item

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
