from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.method_enum import MethodEnum, check_method_enum
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.batch_operation_request_body_type_0 import (
        BatchOperationRequestBodyType0,
    )


T = TypeVar("T", bound="BatchOperationRequest")


@_attrs_define
class BatchOperationRequest:
    """
    Attributes:
        method (MethodEnum): * `GET` - GET
            * `POST` - POST
            * `PATCH` - PATCH
            * `DELETE` - DELETE
        path (str): A /v1 path, with its query string if any; not /v1/batch itself.
        body (BatchOperationRequestBodyType0 | None | Unset):
    """

    method: MethodEnum
    path: str
    body: BatchOperationRequestBodyType0 | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.batch_operation_request_body_type_0 import (
            BatchOperationRequestBodyType0,
        )

        method: str = self.method

        path = self.path

        body: dict[str, Any] | None | Unset
        if isinstance(self.body, Unset):
            body = UNSET
        elif isinstance(self.body, BatchOperationRequestBodyType0):
            body = self.body.to_dict()
        else:
            body = self.body

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "method": method,
                "path": path,
            }
        )
        if body is not UNSET:
            field_dict["body"] = body

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.batch_operation_request_body_type_0 import (
            BatchOperationRequestBodyType0,
        )

        d = dict(src_dict)
        method = check_method_enum(d.pop("method"))

        path = d.pop("path")

        def _parse_body(data: object) -> BatchOperationRequestBodyType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                body_type_0 = BatchOperationRequestBodyType0.from_dict(data)

                return body_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(BatchOperationRequestBodyType0 | None | Unset, data)

        body = _parse_body(d.pop("body", UNSET))

        batch_operation_request = cls(
            method=method,
            path=path,
            body=body,
        )

        batch_operation_request.additional_properties = d
        return batch_operation_request

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
