"""The ``Subscription`` root: live events over WebSocket (graphql-transport-ws at /v1/graphql).

``events(types: [...])`` streams the outbox events of the key's tenant *and mode* as they are
dispatched — the very payloads of webhooks, /v1/events and the /v1/ws stream — filtered by type
patterns (``challenge.created``, ``application.*``, ``*``; the grammar of ``events.types``) and
by the key's scopes (``events:read``, and each event's family, as on /v1/events). The connection
(``api.graphql.ws``) joins the Channels group of the key's schema, so nothing of another tenant or
mode can reach it; each subscription reads from its own queue fed by that group.
"""

from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry

from api.graphql.context import scope_require
from api.graphql.types import Event
from apikeys.scopes import event_scope_required
from core.errors import DomainError
from events.types import event_type_matches_any, event_type_pattern_is_valid

MAX_PATTERNS = 100


class InvalidEventTypePatternError(DomainError):
    code = "validation_error"
    title = "Invalid event type pattern"


def event_of(payload: dict) -> Event:
    """An ``Event`` from a published payload (``Event.as_payload``)."""
    return Event(
        id=payload.get("id", ""),
        object=payload.get("object", "event"),
        type=payload.get("type", ""),
        created_at=payload.get("created_at"),
        livemode=payload.get("livemode", False),
        request_id=payload.get("request_id"),
        data=payload.get("data"),
    )


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="Events of the key's tenant and mode as they happen (needs `events:read` "
        "and the read scope of each event's family)."
    )
    async def events(
        self,
        info: strawberry.Info,
        types: Annotated[
            list[str] | None,
            strawberry.argument(description="Event types, `family.*` or `*` (default: all)."),
        ] = None,
    ) -> AsyncGenerator[Event, None]:
        scope_require(info, "events")
        patterns = set(types or ["*"])
        invalid = [p for p in patterns if len(p) > 100 or not event_type_pattern_is_valid(p)]
        if invalid or len(patterns) > MAX_PATTERNS:
            raise InvalidEventTypePatternError(
                "Use event types (challenge.created), families (challenge.*) or *; at most "
                f"{MAX_PATTERNS}.",
                errors={
                    "types": [f"{str(p)[:40]!r} is not an event type pattern." for p in invalid]
                },
            )
        context = info.context
        queue = context.events_listen()
        try:
            while True:
                payload = await queue.get()
                event_type = payload.get("type", "")
                if event_type_matches_any(patterns, event_type) and context.api_key.has_scope(
                    event_scope_required(event_type)
                ):
                    yield event_of(payload)
        finally:
            context.events_unlisten(queue)
