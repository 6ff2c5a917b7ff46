from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.provider_enum import ProviderEnum, check_provider_enum
from ..models.subscription_object_enum import (
    SubscriptionObjectEnum,
    check_subscription_object_enum,
)
from ..models.subscription_status_enum import (
    SubscriptionStatusEnum,
    check_subscription_status_enum,
)

if TYPE_CHECKING:
    from ..models.subscription_spend_cap import SubscriptionSpendCap


T = TypeVar("T", bound="Subscription")


@_attrs_define
class Subscription:
    """
    Attributes:
        budget_amounts (list[int]):
        cancel_at_period_end (bool):
        cancelled_at (datetime.datetime | None):
        created_at (datetime.datetime):
        currency (str):
        current_period_end (datetime.datetime):
        current_period_start (datetime.datetime):
        has_payment_method (bool):
        id (str): `sub_…`
        object_ (SubscriptionObjectEnum): * `subscription` - subscription
        past_due_since (datetime.datetime | None):
        pay_as_you_go (bool):
        plan (str): The plan in force (`free`, `pro`, …).
        provider (ProviderEnum): * `manual` - manual
            * `stripe` - stripe
        restricted_at (datetime.datetime | None): Set while live calls answer 402 `payment_required`.
        scheduled_plan (None | str): A downgrade waiting for the period's end.
        spend_cap (SubscriptionSpendCap):
        status (SubscriptionStatusEnum): * `trialing` - trialing
            * `active` - active
            * `past_due` - past_due
            * `unpaid` - unpaid
            * `cancelled` - cancelled
        trial_end (datetime.datetime | None):
        updated_at (datetime.datetime):
    """

    budget_amounts: list[int]
    cancel_at_period_end: bool
    cancelled_at: datetime.datetime | None
    created_at: datetime.datetime
    currency: str
    current_period_end: datetime.datetime
    current_period_start: datetime.datetime
    has_payment_method: bool
    id: str
    object_: SubscriptionObjectEnum
    past_due_since: datetime.datetime | None
    pay_as_you_go: bool
    plan: str
    provider: ProviderEnum
    restricted_at: datetime.datetime | None
    scheduled_plan: None | str
    spend_cap: SubscriptionSpendCap
    status: SubscriptionStatusEnum
    trial_end: datetime.datetime | None
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        budget_amounts = self.budget_amounts

        cancel_at_period_end = self.cancel_at_period_end

        cancelled_at: None | str
        if isinstance(self.cancelled_at, datetime.datetime):
            cancelled_at = self.cancelled_at.isoformat()
        else:
            cancelled_at = self.cancelled_at

        created_at = self.created_at.isoformat()

        currency = self.currency

        current_period_end = self.current_period_end.isoformat()

        current_period_start = self.current_period_start.isoformat()

        has_payment_method = self.has_payment_method

        id = self.id

        object_: str = self.object_

        past_due_since: None | str
        if isinstance(self.past_due_since, datetime.datetime):
            past_due_since = self.past_due_since.isoformat()
        else:
            past_due_since = self.past_due_since

        pay_as_you_go = self.pay_as_you_go

        plan = self.plan

        provider: str = self.provider

        restricted_at: None | str
        if isinstance(self.restricted_at, datetime.datetime):
            restricted_at = self.restricted_at.isoformat()
        else:
            restricted_at = self.restricted_at

        scheduled_plan: None | str
        scheduled_plan = self.scheduled_plan

        spend_cap = self.spend_cap.to_dict()

        status: str = self.status

        trial_end: None | str
        if isinstance(self.trial_end, datetime.datetime):
            trial_end = self.trial_end.isoformat()
        else:
            trial_end = self.trial_end

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "budget_amounts": budget_amounts,
                "cancel_at_period_end": cancel_at_period_end,
                "cancelled_at": cancelled_at,
                "created_at": created_at,
                "currency": currency,
                "current_period_end": current_period_end,
                "current_period_start": current_period_start,
                "has_payment_method": has_payment_method,
                "id": id,
                "object": object_,
                "past_due_since": past_due_since,
                "pay_as_you_go": pay_as_you_go,
                "plan": plan,
                "provider": provider,
                "restricted_at": restricted_at,
                "scheduled_plan": scheduled_plan,
                "spend_cap": spend_cap,
                "status": status,
                "trial_end": trial_end,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.subscription_spend_cap import SubscriptionSpendCap

        d = dict(src_dict)
        budget_amounts = cast(list[int], d.pop("budget_amounts"))

        cancel_at_period_end = d.pop("cancel_at_period_end")

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

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        currency = d.pop("currency")

        current_period_end = datetime.datetime.fromisoformat(
            d.pop("current_period_end")
        )

        current_period_start = datetime.datetime.fromisoformat(
            d.pop("current_period_start")
        )

        has_payment_method = d.pop("has_payment_method")

        id = d.pop("id")

        object_ = check_subscription_object_enum(d.pop("object"))

        def _parse_past_due_since(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                past_due_since_type_0 = datetime.datetime.fromisoformat(data)

                return past_due_since_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        past_due_since = _parse_past_due_since(d.pop("past_due_since"))

        pay_as_you_go = d.pop("pay_as_you_go")

        plan = d.pop("plan")

        provider = check_provider_enum(d.pop("provider"))

        def _parse_restricted_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                restricted_at_type_0 = datetime.datetime.fromisoformat(data)

                return restricted_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        restricted_at = _parse_restricted_at(d.pop("restricted_at"))

        def _parse_scheduled_plan(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        scheduled_plan = _parse_scheduled_plan(d.pop("scheduled_plan"))

        spend_cap = SubscriptionSpendCap.from_dict(d.pop("spend_cap"))

        status = check_subscription_status_enum(d.pop("status"))

        def _parse_trial_end(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                trial_end_type_0 = datetime.datetime.fromisoformat(data)

                return trial_end_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        trial_end = _parse_trial_end(d.pop("trial_end"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        subscription = cls(
            budget_amounts=budget_amounts,
            cancel_at_period_end=cancel_at_period_end,
            cancelled_at=cancelled_at,
            created_at=created_at,
            currency=currency,
            current_period_end=current_period_end,
            current_period_start=current_period_start,
            has_payment_method=has_payment_method,
            id=id,
            object_=object_,
            past_due_since=past_due_since,
            pay_as_you_go=pay_as_you_go,
            plan=plan,
            provider=provider,
            restricted_at=restricted_at,
            scheduled_plan=scheduled_plan,
            spend_cap=spend_cap,
            status=status,
            trial_end=trial_end,
            updated_at=updated_at,
        )

        subscription.additional_properties = d
        return subscription

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
