"""The audit trail of webhook actions taken in the portal (secret reveals and rotations, endpoint
changes, deletions, recoveries).

Key events have their own stored log (``apikeys.ApiKeyEvent``, written by the key services).
Webhook actions are written to the ``portal.audit`` logger as one structured line each — who,
which tenant and mode, what, on which endpoint, from which request — until the portal's stored
audit log (tenants) takes them.
"""

import logging

from core.context import request_context

logger = logging.getLogger("portal.audit")


def portal_audit(request, view, *, action: str, target: str, detail: dict | None = None) -> None:
    logger.info(
        "portal audit: %s %s by %s in %s (%s)",
        action,
        target,
        request.user.email,
        view.organisation.slug,
        view.mode,
        extra={
            "audit": {
                "action": action,
                "target": target,
                "actor": request.user.email,
                "actor_id": request.user.pk,
                "role": view.membership.role,
                "organisation": view.organisation.slug,
                "mode": view.mode,
                "request_id": request_context().request_id,
                "detail": detail or {},
            }
        },
    )
