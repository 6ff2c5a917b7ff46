from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.batch_object_enum import BatchObjectEnum, check_batch_object_enum

if TYPE_CHECKING:
    from ..models.batch_operation_result import BatchOperationResult


T = TypeVar("T", bound="BatchResult")


@_attrs_define
class BatchResult:
    """
    Attributes:
        atomic (bool):
        committed (bool): False when an atomic batch failed and nothing took effect.
        object_ (BatchObjectEnum): * `batch` - batch
        results (list[BatchOperationResult]):
    """

    atomic: bool
    committed: bool
    object_: BatchObjectEnum
    results: list[BatchOperationResult]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        atomic = self.atomic

        committed = self.committed

        object_: str = self.object_

        results = []
        for results_item_data in self.results:
            results_item = results_item_data.to_dict()
            results.append(results_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "atomic": atomic,
                "committed": committed,
                "object": object_,
                "results": results,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.batch_operation_result import BatchOperationResult

        d = dict(src_dict)
        atomic = d.pop("atomic")

        committed = d.pop("committed")

        object_ = check_batch_object_enum(d.pop("object"))

        results = []
        _results = d.pop("results")
        for results_item_data in _results:
            results_item = BatchOperationResult.from_dict(results_item_data)

            results.append(results_item)

        batch_result = cls(
            atomic=atomic,
            committed=committed,
            object_=object_,
            results=results,
        )

        batch_result.additional_properties = d
        return batch_result

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
