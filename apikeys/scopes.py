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
