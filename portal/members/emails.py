"""The invitation email (sent once the invitation is committed)."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse

from tenants.services_members import IssuedInvitation

logger = logging.getLogger(__name__)


def invitation_email_send(request: HttpRequest, *, issued: IssuedInvitation) -> None:
    """Send the invitation's link. A mail server failure is logged, not raised: the invitation
    stands (it is committed), and inviting the address again sends a new link."""
    invitation = issued.invitation
    url = request.build_absolute_uri(reverse("portal:invitation_accept", args=[issued.token]))
    context = {
        "organisation": invitation.tenant.name,
        "inviter": invitation.invited_by.email if invitation.invited_by else "",
        "role": invitation.get_role_display(),
        "url": url,
        "expires_at": invitation.expires_at,
    }
    try:
        send_mail(
            subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}You are invited to "
            f"{invitation.tenant.name} on OpenChance",
            message=render_to_string("portal/members/email/invitation.txt", context),
            from_email=None,
            recipient_list=[invitation.email],
        )
    except Exception:  # noqa: BLE001 - the mail server failing must not undo the invitation
        logger.exception("invitation email to %s not sent", invitation.email)
