from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.estimate_object_enum import EstimateObjectEnum, check_estimate_object_enum

if TYPE_CHECKING:
    from ..models.estimate_plan import EstimatePlan
    from ..models.subscription_spend_cap import SubscriptionSpendCap


T = TypeVar("T", bound="Estimate")


@_attrs_define
class Estimate:
    """
    Attributes:
        as_of (datetime.datetime):
        calls_so_far (int): Billable calls in the ledger so far.
        cost_so_far (int): Minor units.
        currency (str):
        included_calls (int | None): `null`: unlimited.
        object_ (EstimateObjectEnum): * `usage_cost_estimate` - usage_cost_estimate
        overage_unit_price (str): Minor units per call, decimal string.
        period (str): `YYYY-MM`
        period_end (datetime.datetime):
        period_start (datetime.datetime):
        plan (str):
        plans (list[EstimatePlan]): The same usage on every public plan.
        projected_calls (int): At the run rate, to the period's end.
        projected_cost (int):
        spend_cap (SubscriptionSpendCap):
    """

    as_of: datetime.datetime
    calls_so_far: int
    cost_so_far: int
    currency: str
    included_calls: int | None
    object_: EstimateObjectEnum
    overage_unit_price: str
    period: str
    period_end: datetime.datetime
    period_start: datetime.datetime
    plan: str
    plans: list[EstimatePlan]
    projected_calls: int
    projected_cost: int
    spend_cap: SubscriptionSpendCap
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        as_of = self.as_of.isoformat()

        calls_so_far = self.calls_so_far

        cost_so_far = self.cost_so_far

        currency = self.currency

        included_calls: int | None
        included_calls = self.included_calls

        object_: str = self.object_

        overage_unit_price = self.overage_unit_price

        period = self.period

        period_end = self.period_end.isoformat()

        period_start = self.period_start.isoformat()

        plan = self.plan

        plans = []
        for plans_item_data in self.plans:
            plans_item = plans_item_data.to_dict()
            plans.append(plans_item)

        projected_calls = self.projected_calls

        projected_cost = self.projected_cost

        spend_cap = self.spend_cap.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "as_of": as_of,
                "calls_so_far": calls_so_far,
                "cost_so_far": cost_so_far,
                "currency": currency,
                "included_calls": included_calls,
                "object": object_,
                "overage_unit_price": overage_unit_price,
                "period": period,
                "period_end": period_end,
                "period_start": period_start,
                "plan": plan,
                "plans": plans,
                "projected_calls": projected_calls,
                "projected_cost": projected_cost,
                "spend_cap": spend_cap,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.estimate_plan import EstimatePlan
        from ..models.subscription_spend_cap import SubscriptionSpendCap

        d = dict(src_dict)
        as_of = datetime.datetime.fromisoformat(d.pop("as_of"))

        calls_so_far = d.pop("calls_so_far")

        cost_so_far = d.pop("cost_so_far")

        currency = d.pop("currency")

        def _parse_included_calls(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        included_calls = _parse_included_calls(d.pop("included_calls"))

        object_ = check_estimate_object_enum(d.pop("object"))

        overage_unit_price = d.pop("overage_unit_price")

        period = d.pop("period")

        period_end = datetime.datetime.fromisoformat(d.pop("period_end"))

        period_start = datetime.datetime.fromisoformat(d.pop("period_start"))

        plan = d.pop("plan")

        plans = []
        _plans = d.pop("plans")
        for plans_item_data in _plans:
            plans_item = EstimatePlan.from_dict(plans_item_data)

            plans.append(plans_item)

        projected_calls = d.pop("projected_calls")

        projected_cost = d.pop("projected_cost")

        spend_cap = SubscriptionSpendCap.from_dict(d.pop("spend_cap"))

        estimate = cls(
            as_of=as_of,
            calls_so_far=calls_so_far,
            cost_so_far=cost_so_far,
            currency=currency,
            included_calls=included_calls,
            object_=object_,
            overage_unit_price=overage_unit_price,
            period=period,
            period_end=period_end,
            period_start=period_start,
            plan=plan,
            plans=plans,
            projected_calls=projected_calls,
            projected_cost=projected_cost,
            spend_cap=spend_cap,
        )

        estimate.additional_properties = d
        return estimate

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
