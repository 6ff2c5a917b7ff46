"""The playground's key: a short-lived sandbox key of the member, held in this host's session.

Raw secrets are never stored (only an HMAC is), so Swagger UI cannot be handed an existing key:
the playground issues its own through ``apikeys.services.api_key_create`` — named
"Playground key — <email>", mode test, expiring after ``PLAYGROUND_KEY_LIFETIME`` — and keeps its
secret in the server-side session. While that key still works, belongs to this member and has the
scopes the member's role gets, it is reused; otherwise a new one is issued (and the one it
replaces is revoked). Logging out revokes it (``playground_key_revoke``, on ``user_logged_out``):
the secret leaves with the session, and a key nobody holds any more should not work for hours.

Scopes by role: owners, admins and developers get ``all`` (they may create such keys on the keys
page anyway); viewers, who may not create keys, get read scopes only — a full-access key would let
a read-only member write through the API.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.http import HttpRequest
from django.utils import timezone

from apikeys.models import ApiKey
from apikeys.scopes import SCOPE_ALL, SCOPE_FAMILIES
from apikeys.selectors import api_key_get, api_key_secret_is_usable
from apikeys.services import api_key_create, api_key_revoke
from core.errors import NotFoundError
from tenants.models import Membership

SESSION_KEY = "portal_playground_key"
PLAYGROUND_KEY_LIFETIME = timedelta(hours=4)
# A held key closer than this to its expiry is replaced, so a session never dies mid-exploration.
PLAYGROUND_KEY_MIN_REMAINING = timedelta(minutes=30)
READ_ONLY_SCOPES = sorted(f"{family}:read" for family in SCOPE_FAMILIES)


@dataclass(frozen=True)
class PlaygroundKey:
    api_key: ApiKey
    # The raw secret, from the session: shown to this member's browser only, never stored else.
    secret: str


def playground_scopes(role: str) -> list[str]:
    return READ_ONLY_SCOPES if role == Membership.Role.VIEWER else [SCOPE_ALL]


def _held(request: HttpRequest) -> dict | None:
    held = request.session.get(SESSION_KEY)
    return held if isinstance(held, dict) and {"key_id", "secret"} <= held.keys() else None


def playground_key_current(request: HttpRequest, *, membership: Membership) -> PlaygroundKey | None:
    """The member's playground key held in this session, if it can still be used."""
    held = _held(request)
    if held is None:
        return None
    try:
        api_key = api_key_get(tenant=membership.tenant, key_id=str(held["key_id"]))
    except NotFoundError:
        return None
    usable = (
        api_key.created_by_id == membership.user_id
        and api_key.mode == ApiKey.Mode.TEST
        and api_key.is_active
        and api_key.expires_at is not None
        and api_key.expires_at - timezone.now() >= PLAYGROUND_KEY_MIN_REMAINING
        and sorted(api_key.scopes) == playground_scopes(membership.role)
        and api_key_secret_is_usable(str(held["secret"]))
    )
    return PlaygroundKey(api_key=api_key, secret=str(held["secret"])) if usable else None


def playground_key_issue(request: HttpRequest, *, membership: Membership) -> PlaygroundKey:
    """The held key if usable, else a new one (revoking the held one it replaces)."""
    current = playground_key_current(request, membership=membership)
    if current is not None:
        return current
    held = _held(request)
    if held is not None:
        try:
            previous = api_key_get(tenant=membership.tenant, key_id=str(held["key_id"]))
        except NotFoundError:
            previous = None
        if previous is not None and previous.created_by_id == membership.user_id:
            api_key_revoke(api_key=previous, actor=membership.user)
    issued = api_key_create(
        tenant=membership.tenant,
        name=f"Playground key — {membership.user.email}",
        mode=ApiKey.Mode.TEST,
        scopes=playground_scopes(membership.role),
        expires_at=timezone.now() + PLAYGROUND_KEY_LIFETIME,
        actor=membership.user,
    )
    request.session[SESSION_KEY] = {"key_id": issued.api_key.pk, "secret": issued.secret}
    return PlaygroundKey(api_key=issued.api_key, secret=issued.secret)


def playground_key_revoke(request: HttpRequest, *, user) -> None:
    """Revoke the playground key this session holds, when it is a test key of ``user`` on this
    host's tenant (any other id in the session is ignored). Called at logout."""
    held = _held(request)
    tenant = getattr(request, "tenant", None)
    if held is None or tenant is None or user is None:
        return
    try:
        api_key = api_key_get(tenant=tenant, key_id=str(held["key_id"]))
    except NotFoundError:
        return
    if api_key.created_by_id == user.pk and api_key.mode == ApiKey.Mode.TEST:
        api_key_revoke(api_key=api_key, actor=user)
