"""The invitation email (sent once the invitation is committed)."""

from django.conf import settings
from django.core.mail import send_mail
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse

from tenants.services_members import IssuedInvitation


def invitation_email_send(request: HttpRequest, *, issued: IssuedInvitation) -> None:
    invitation = issued.invitation
    url = request.build_absolute_uri(reverse("portal:invitation_accept", args=[issued.token]))
    context = {
        "organisation": invitation.tenant.name,
        "inviter": invitation.invited_by.email if invitation.invited_by else "",
        "role": invitation.get_role_display(),
        "url": url,
        "expires_at": invitation.expires_at,
    }
    send_mail(
        subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}You are invited to "
        f"{invitation.tenant.name} on OpenChance",
        message=render_to_string("portal/members/email/invitation.txt", context),
        from_email=None,
        recipient_list=[invitation.email],
    )
