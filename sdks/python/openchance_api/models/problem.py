from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.problem_errors import ProblemErrors


T = TypeVar("T", bound="Problem")


@_attrs_define
class Problem:
    """An RFC 9457 problem. Extra members depend on `code` (see below).

    Example:
        {'allowed': ['close', 'cancel'], 'code': 'invalid_state_transition', 'current_status': 'open', 'detail': "Cannot
            award a challenge whose status is 'open'; allowed: close, cancel.", 'request_id':
            'req_5f0c1c7e9c0b4a1e8d7f2a3b4c5d6e7f', 'status': 409, 'title': 'Invalid state transition', 'type':
            'https://docs.openchance.dev/errors/invalid_state_transition'}

    Attributes:
        code (str): Machine-readable: `validation_error`, `not_found`, `invalid_state_transition`,
            `business_rule_violation` and the specific rule codes (`deadline_passed`, `max_applications_reached`, …),
            `rate_limited`, …
        detail (str):
        request_id (None | str):
        status (int):
        title (str):
        type_ (str):
        allowed (list[str] | Unset): With `invalid_state_transition`: the actions allowed now.
        current_status (str | Unset):
        errors (ProblemErrors | Unset): With `validation_error`: messages per field (nested for objects).
    """

    code: str
    detail: str
    request_id: None | str
    status: int
    title: str
    type_: str
    allowed: list[str] | Unset = UNSET
    current_status: str | Unset = UNSET
    errors: ProblemErrors | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        detail = self.detail

        request_id: None | str
        request_id = self.request_id

        status = self.status

        title = self.title

        type_ = self.type_

        allowed: list[str] | Unset = UNSET
        if not isinstance(self.allowed, Unset):
            allowed = self.allowed

        current_status = self.current_status

        errors: dict[str, Any] | Unset = UNSET
        if not isinstance(self.errors, Unset):
            errors = self.errors.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "code": code,
                "detail": detail,
                "request_id": request_id,
                "status": status,
                "title": title,
                "type": type_,
            }
        )
        if allowed is not UNSET:
            field_dict["allowed"] = allowed
        if current_status is not UNSET:
            field_dict["current_status"] = current_status
        if errors is not UNSET:
            field_dict["errors"] = errors

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.problem_errors import ProblemErrors

        d = dict(src_dict)
        code = d.pop("code")

        detail = d.pop("detail")

        def _parse_request_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        request_id = _parse_request_id(d.pop("request_id"))

        status = d.pop("status")

        title = d.pop("title")

        type_ = d.pop("type")

        allowed = cast(list[str], d.pop("allowed", UNSET))

        current_status = d.pop("current_status", UNSET)

        _errors = d.pop("errors", UNSET)
        errors: ProblemErrors | Unset
        if isinstance(_errors, Unset):
            errors = UNSET
        else:
            errors = ProblemErrors.from_dict(_errors)

        problem = cls(
            code=code,
            detail=detail,
            request_id=request_id,
            status=status,
            title=title,
            type_=type_,
            allowed=allowed,
            current_status=current_status,
            errors=errors,
        )

        problem.additional_properties = d
        return problem

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
