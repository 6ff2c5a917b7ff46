from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.usage_object_enum import UsageObjectEnum, check_usage_object_enum

if TYPE_CHECKING:
    from ..models.usage_counts import UsageCounts
    from ..models.usage_day import UsageDay
    from ..models.usage_key import UsageKey
    from ..models.usage_route import UsageRoute


T = TypeVar("T", bound="Usage")


@_attrs_define
class Usage:
    """
    Attributes:
        by_day (list[UsageDay]): Every day of the period, oldest first.
        by_key (list[UsageKey]): Most calls first.
        by_key_truncated (bool):
        by_route (list[UsageRoute]): Most calls first.
        by_route_truncated (bool): More routes were called than `by_route` lists (the totals count them all).
        livemode (bool): `false` for a test key, which sees the sandbox's calls only.
        object_ (UsageObjectEnum): * `usage` - usage
        period (str): `YYYY-MM`: a calendar month in UTC.
        period_end (datetime.datetime):
        period_start (datetime.datetime):
        totals (UsageCounts):
    """

    by_day: list[UsageDay]
    by_key: list[UsageKey]
    by_key_truncated: bool
    by_route: list[UsageRoute]
    by_route_truncated: bool
    livemode: bool
    object_: UsageObjectEnum
    period: str
    period_end: datetime.datetime
    period_start: datetime.datetime
    totals: UsageCounts
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        by_day = []
        for by_day_item_data in self.by_day:
            by_day_item = by_day_item_data.to_dict()
            by_day.append(by_day_item)

        by_key = []
        for by_key_item_data in self.by_key:
            by_key_item = by_key_item_data.to_dict()
            by_key.append(by_key_item)

        by_key_truncated = self.by_key_truncated

        by_route = []
        for by_route_item_data in self.by_route:
            by_route_item = by_route_item_data.to_dict()
            by_route.append(by_route_item)

        by_route_truncated = self.by_route_truncated

        livemode = self.livemode

        object_: str = self.object_

        period = self.period

        period_end = self.period_end.isoformat()

        period_start = self.period_start.isoformat()

        totals = self.totals.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "by_day": by_day,
                "by_key": by_key,
                "by_key_truncated": by_key_truncated,
                "by_route": by_route,
                "by_route_truncated": by_route_truncated,
                "livemode": livemode,
                "object": object_,
                "period": period,
                "period_end": period_end,
                "period_start": period_start,
                "totals": totals,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.usage_counts import UsageCounts
        from ..models.usage_day import UsageDay
        from ..models.usage_key import UsageKey
        from ..models.usage_route import UsageRoute

        d = dict(src_dict)
        by_day = []
        _by_day = d.pop("by_day")
        for by_day_item_data in _by_day:
            by_day_item = UsageDay.from_dict(by_day_item_data)

            by_day.append(by_day_item)

        by_key = []
        _by_key = d.pop("by_key")
        for by_key_item_data in _by_key:
            by_key_item = UsageKey.from_dict(by_key_item_data)

            by_key.append(by_key_item)

        by_key_truncated = d.pop("by_key_truncated")

        by_route = []
        _by_route = d.pop("by_route")
        for by_route_item_data in _by_route:
            by_route_item = UsageRoute.from_dict(by_route_item_data)

            by_route.append(by_route_item)

        by_route_truncated = d.pop("by_route_truncated")

        livemode = d.pop("livemode")

        object_ = check_usage_object_enum(d.pop("object"))

        period = d.pop("period")

        period_end = datetime.datetime.fromisoformat(d.pop("period_end"))

        period_start = datetime.datetime.fromisoformat(d.pop("period_start"))

        totals = UsageCounts.from_dict(d.pop("totals"))

        usage = cls(
            by_day=by_day,
            by_key=by_key,
            by_key_truncated=by_key_truncated,
            by_route=by_route,
            by_route_truncated=by_route_truncated,
            livemode=livemode,
            object_=object_,
            period=period,
            period_end=period_end,
            period_start=period_start,
            totals=totals,
        )

        usage.additional_properties = d
        return usage

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
