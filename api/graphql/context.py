"""What every resolver gets as ``info.context``: the verified key, its mode, the HTTP request (or
WebSocket scope) and the call's limit result — and the one scope check of GraphQL fields."""

from dataclasses import dataclass, field
from typing import Any

from api.gateway import InsufficientScopeError, KeyContext, LimitResult


@dataclass
class GraphQLContext:
    api_key: KeyContext
    limit_result: LimitResult | None = None
    request: Any = None
    # Per-request memo of the batches nested connections load (see ``pagination.RowGroup``).
    memo: dict = field(default_factory=dict)

    @property
    def livemode(self) -> bool:
        return self.api_key.livemode


def scope_require(info, family: str, *, action: str = "read") -> None:
    """Refuse the field unless the key has ``<family>:<action>`` (403 ``insufficient_scope`` as a
    GraphQL error on that field, naming the scope). Called before anything is read or written."""
    required = f"{family}:{action}"
    if not info.context.api_key.has_scope(required):
        raise InsufficientScopeError(
            f"This field needs the scope {required!r}; this API key lacks it.",
            required_scope=required,
        )
