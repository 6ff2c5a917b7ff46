from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.me_key import MeKey
    from ..models.me_limits import MeLimits
    from ..models.me_plan import MePlan
    from ..models.me_tenant import MeTenant
    from ..models.me_usage import MeUsage


T = TypeVar("T", bound="Me")


@_attrs_define
class Me:
    """
    Attributes:
        key (MeKey):
        limits (MeLimits):
        object_ (str):
        plan (MePlan):
        tenant (MeTenant):
        usage (MeUsage):
    """

    key: MeKey
    limits: MeLimits
    object_: str
    plan: MePlan
    tenant: MeTenant
    usage: MeUsage
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        key = self.key.to_dict()

        limits = self.limits.to_dict()

        object_ = self.object_

        plan = self.plan.to_dict()

        tenant = self.tenant.to_dict()

        usage = self.usage.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "key": key,
                "limits": limits,
                "object": object_,
                "plan": plan,
                "tenant": tenant,
                "usage": usage,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.me_key import MeKey
        from ..models.me_limits import MeLimits
        from ..models.me_plan import MePlan
        from ..models.me_tenant import MeTenant
        from ..models.me_usage import MeUsage

        d = dict(src_dict)
        key = MeKey.from_dict(d.pop("key"))

        limits = MeLimits.from_dict(d.pop("limits"))

        object_ = d.pop("object")

        plan = MePlan.from_dict(d.pop("plan"))

        tenant = MeTenant.from_dict(d.pop("tenant"))

        usage = MeUsage.from_dict(d.pop("usage"))

        me = cls(
            key=key,
            limits=limits,
            object_=object_,
            plan=plan,
            tenant=tenant,
            usage=usage,
        )

        me.additional_properties = d
        return me

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
