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

if TYPE_CHECKING:
    from ..models.challenge_metadata import ChallengeMetadata
    from ..models.reward import Reward


T = TypeVar("T", bound="Challenge")


@_attrs_define
class Challenge:
    """
    Attributes:
        application_count (int): Applications received, withdrawn ones excluded.
        awarded_at (datetime.datetime | None):
        cancelled_at (datetime.datetime | None):
        category (ChallengeCategoryEnum): * `bounty` - Bounty
            * `hackathon` - Hackathon
            * `gig` - Gig
            * `grant` - Grant
            * `other` - Other
        closed_at (datetime.datetime | None):
        created_at (datetime.datetime):
        deadline (datetime.datetime | None):
        description (str):
        id (str): `chl_…`
        livemode (bool): `false` for sandbox (test key) data.
        location (None | str):
        max_applications (int | None):
        metadata (ChallengeMetadata):
        object_ (ChallengeObjectEnum): * `challenge` - challenge
        published_at (datetime.datetime | None):
        remote (bool):
        reward (None | Reward):
        skills (list[str]):
        status (ChallengeStatusEnum): * `draft` - Draft
            * `open` - Open
            * `closed` - Closed
            * `awarded` - Awarded
            * `cancelled` - Cancelled
        summary (str):
        tags (list[str]):
        title (str):
        updated_at (datetime.datetime):
    """

    application_count: int
    awarded_at: datetime.datetime | None
    cancelled_at: datetime.datetime | None
    category: ChallengeCategoryEnum
    closed_at: datetime.datetime | None
    created_at: datetime.datetime
    deadline: datetime.datetime | None
    description: str
    id: str
    livemode: bool
    location: None | str
    max_applications: int | None
    metadata: ChallengeMetadata
    object_: ChallengeObjectEnum
    published_at: datetime.datetime | None
    remote: bool
    reward: None | Reward
    skills: list[str]
    status: ChallengeStatusEnum
    summary: str
    tags: list[str]
    title: str
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.reward import Reward

        application_count = self.application_count

        awarded_at: None | str
        if isinstance(self.awarded_at, datetime.datetime):
            awarded_at = self.awarded_at.isoformat()
        else:
            awarded_at = self.awarded_at

        cancelled_at: None | str
        if isinstance(self.cancelled_at, datetime.datetime):
            cancelled_at = self.cancelled_at.isoformat()
        else:
            cancelled_at = self.cancelled_at

        category: str = self.category

        closed_at: None | str
        if isinstance(self.closed_at, datetime.datetime):
            closed_at = self.closed_at.isoformat()
        else:
            closed_at = self.closed_at

        created_at = self.created_at.isoformat()

        deadline: None | str
        if isinstance(self.deadline, datetime.datetime):
            deadline = self.deadline.isoformat()
        else:
            deadline = self.deadline

        description = self.description

        id = self.id

        livemode = self.livemode

        location: None | str
        location = self.location

        max_applications: int | None
        max_applications = self.max_applications

        metadata = self.metadata.to_dict()

        object_: str = self.object_

        published_at: None | str
        if isinstance(self.published_at, datetime.datetime):
            published_at = self.published_at.isoformat()
        else:
            published_at = self.published_at

        remote = self.remote

        reward: dict[str, Any] | None
        if isinstance(self.reward, Reward):
            reward = self.reward.to_dict()
        else:
            reward = self.reward

        skills = self.skills

        status: str = self.status

        summary = self.summary

        tags = self.tags

        title = self.title

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "application_count": application_count,
                "awarded_at": awarded_at,
                "cancelled_at": cancelled_at,
                "category": category,
                "closed_at": closed_at,
                "created_at": created_at,
                "deadline": deadline,
                "description": description,
                "id": id,
                "livemode": livemode,
                "location": location,
                "max_applications": max_applications,
                "metadata": metadata,
                "object": object_,
                "published_at": published_at,
                "remote": remote,
                "reward": reward,
                "skills": skills,
                "status": status,
                "summary": summary,
                "tags": tags,
                "title": title,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.challenge_metadata import ChallengeMetadata
        from ..models.reward import Reward

        d = dict(src_dict)
        application_count = d.pop("application_count")

        def _parse_awarded_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                awarded_at_type_0 = datetime.datetime.fromisoformat(data)

                return awarded_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        awarded_at = _parse_awarded_at(d.pop("awarded_at"))

        def _parse_cancelled_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                cancelled_at_type_0 = datetime.datetime.fromisoformat(data)

                return cancelled_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        cancelled_at = _parse_cancelled_at(d.pop("cancelled_at"))

        category = check_challenge_category_enum(d.pop("category"))

        def _parse_closed_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                closed_at_type_0 = datetime.datetime.fromisoformat(data)

                return closed_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        closed_at = _parse_closed_at(d.pop("closed_at"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_deadline(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                deadline_type_0 = datetime.datetime.fromisoformat(data)

                return deadline_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        deadline = _parse_deadline(d.pop("deadline"))

        description = d.pop("description")

        id = d.pop("id")

        livemode = d.pop("livemode")

        def _parse_location(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        location = _parse_location(d.pop("location"))

        def _parse_max_applications(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        max_applications = _parse_max_applications(d.pop("max_applications"))

        metadata = ChallengeMetadata.from_dict(d.pop("metadata"))

        object_ = check_challenge_object_enum(d.pop("object"))

        def _parse_published_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                published_at_type_0 = datetime.datetime.fromisoformat(data)

                return published_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        published_at = _parse_published_at(d.pop("published_at"))

        remote = d.pop("remote")

        def _parse_reward(data: object) -> None | Reward:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                reward_type_1 = Reward.from_dict(data)

                return reward_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Reward, data)

        reward = _parse_reward(d.pop("reward"))

        skills = cast(list[str], d.pop("skills"))

        status = check_challenge_status_enum(d.pop("status"))

        summary = d.pop("summary")

        tags = cast(list[str], d.pop("tags"))

        title = d.pop("title")

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        challenge = cls(
            application_count=application_count,
            awarded_at=awarded_at,
            cancelled_at=cancelled_at,
            category=category,
            closed_at=closed_at,
            created_at=created_at,
            deadline=deadline,
            description=description,
            id=id,
            livemode=livemode,
            location=location,
            max_applications=max_applications,
            metadata=metadata,
            object_=object_,
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

        challenge.additional_properties = d
        return challenge

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
