"""API key scopes: ``all``, or ``<family>:read`` / ``<family>:write`` per resource family.

A view names its family (``ApiView.scope_family``); safe methods (GET, HEAD, OPTIONS) need
``<family>:read``, the others ``<family>:write``. ``all`` grants everything, and a family's write
scope implies its read scope.
"""

SCOPE_ALL = "all"
SCOPE_FAMILIES = (
    "challenges",
    "applications",
    "messages",
    "reviews",
    "events",
    "webhooks",
    "usage",
    # The organisation's billing: invoices, subscription, spend cap and budgets, the cost
    # estimate (money), and /v1/usage, which ``usage:read`` also reads (api.v1.billing).
    "billing",
)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def scopes_all_valid() -> list[str]:
    return [SCOPE_ALL] + [f"{f}:{a}" for f in SCOPE_FAMILIES for a in ("read", "write")]


def scope_required(*, family: str, method: str) -> str:
    return f"{family}:{'read' if method.upper() in SAFE_METHODS else 'write'}"


def scope_is_granted(*, granted: frozenset[str] | set[str], required: str) -> bool:
    if SCOPE_ALL in granted or required in granted:
        return True
    family, _, action = required.partition(":")
    return action == "read" and f"{family}:write" in granted


def scopes_normalize(scopes: list[str] | tuple[str, ...] | None) -> list[str]:
    """Validated, de-duplicated, sorted scopes; raises ValueError naming an unknown one."""
    if not scopes:
        return [SCOPE_ALL]
    valid = set(scopes_all_valid())
    unknown = [scope for scope in scopes if scope not in valid]
    if unknown:
        raise ValueError(f"Unknown scope(s): {', '.join(unknown)}")
    return sorted(set(scopes))


# The family of the object an event carries (``data.object``), by the event type's first segment:
# reading an event reveals that object, so it needs that family's read scope besides
# ``events:read`` (as ``expand`` does). ``ping`` and ``webhook_endpoint.*`` are webhook events.
EVENT_SCOPE_FAMILIES = {
    "challenge": "challenges",
    "application": "applications",
    "message": "messages",
    "review": "reviews",
    "webhook_endpoint": "webhooks",
    "ping": "webhooks",
    "billing": "billing",  # billing.invoice.paid, billing.spend_cap_reached, …
}


def event_scope_required(event_type: str) -> str:
    """The read scope an event of ``event_type`` needs; ``all`` for a family not listed here
    (new event families are then visible to full-access keys only until they are mapped)."""
    family = EVENT_SCOPE_FAMILIES.get(event_type.split(".", 1)[0])
    return f"{family}:read" if family else SCOPE_ALL


def event_types_readable(granted: frozenset[str] | set[str]) -> list[str] | None:
    """The event type prefixes a key with ``granted`` scopes may read (``None``: all of them)."""
    if SCOPE_ALL in granted:
        return None
    return sorted(
        prefix
        for prefix, family in EVENT_SCOPE_FAMILIES.items()
        if scope_is_granted(granted=granted, required=f"{family}:read")
    )
