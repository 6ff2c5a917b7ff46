"""One-time links from the public host into a tenant's portal.

Sessions are per host (no cookie is shared between ``BASE_DOMAIN`` and ``<slug>.BASE_DOMAIN``), so
a person who signed up or logged in on the public site reaches their portal through a link that
logs them in on the tenant's host once:

- the token is ``django.core.signing`` data (user, tenant, a random nonce, whether to show the
  welcome page) signed with SECRET_KEY under its own salt, valid ``PORTAL_HANDOFF_MAX_AGE``
  seconds (default 120);
- it is single use: consuming it claims its nonce in Redis with ``SET NX`` (kept past the
  token's own expiry), so a replay — even within the max age — is refused; if Redis cannot be
  reached the link is refused (fails closed);
- it only works on the host of the tenant it names, for a user who is still an active member.

Tokens are minted only for a session that is logged in on the public host (which has passed
email verification and, when enrolled, MFA), so the link adds no way in that skips either.
"""

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.http import HttpRequest
from django_redis import get_redis_connection

from tenants.models import Membership, Tenant, User
from tenants.selectors import membership_for

HANDOFF_SALT = "openchance.portal.handoff"
_USED_KEY = "oc:portal:handoff-used:{nonce}"


class HandoffRefused(Exception):
    """The link is malformed, expired, already used or not for this host/user."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Handoff:
    user: User
    membership: Membership
    is_welcome: bool


def handoff_token(*, user: User, tenant: Tenant, is_welcome: bool = False) -> str:
    payload = {
        "u": user.pk,
        "t": tenant.organisation.pk,
        "n": secrets.token_urlsafe(18),
        "w": is_welcome,
    }
    return signing.dumps(payload, salt=HANDOFF_SALT)


def tenant_base_url(request: HttpRequest, tenant: Tenant) -> str:
    """``scheme://<slug>.BASE_DOMAIN[:port]`` on the port the request came in on."""
    host = request.get_host()
    port = host.rsplit(":", 1)[1] if ":" in host and not host.endswith("]") else ""
    scheme = "https" if request.is_secure() else "http"
    return f"{scheme}://{tenant.organisation.slug}.{settings.BASE_DOMAIN}" + (
        f":{port}" if port else ""
    )


def handoff_url(
    request: HttpRequest, *, user: User, tenant: Tenant, is_welcome: bool = False
) -> str:
    token = handoff_token(user=user, tenant=tenant, is_welcome=is_welcome)
    return f"{tenant_base_url(request, tenant)}/handoff/{token}/"


def handoff_consume(*, token: str, tenant: Tenant) -> Handoff:
    """Check and use up ``token`` for ``tenant``'s host. Raises ``HandoffRefused``."""
    max_age = settings.PORTAL_HANDOFF_MAX_AGE
    try:
        payload = signing.loads(token, salt=HANDOFF_SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise HandoffRefused("expired") from None
    except signing.BadSignature:
        raise HandoffRefused("invalid") from None
    if not isinstance(payload, dict) or payload.get("t") != tenant.organisation.pk:
        raise HandoffRefused("invalid")
    try:
        is_first_use = get_redis_connection("default").set(
            _USED_KEY.format(nonce=payload["n"]), 1, nx=True, ex=max_age * 2 + 60
        )
    except Exception:  # noqa: BLE001 - Redis unreachable: refuse rather than allow a replay
        raise HandoffRefused("unavailable") from None
    if not is_first_use:
        raise HandoffRefused("used")
    user = User.objects.filter(pk=payload["u"], is_active=True).first()
    membership = membership_for(user=user, tenant=tenant) if user is not None else None
    if membership is None:
        raise HandoffRefused("invalid")
    return Handoff(user=user, membership=membership, is_welcome=bool(payload.get("w")))
