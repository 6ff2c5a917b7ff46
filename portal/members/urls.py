"""Members URLs (joined into the ``portal`` namespace by portal/urls.py)."""

from django.urls import path

from portal.members import views

urlpatterns = [
    path("members/", views.MembersView.as_view(), name="members"),
    path("members/invite/", views.MemberInviteView.as_view(), name="member_invite"),
    path("members/<int:membership_id>/role/", views.MemberRoleView.as_view(), name="member_role"),
    path(
        "members/<int:membership_id>/remove/",
        views.MemberRemoveView.as_view(),
        name="member_remove",
    ),
    path(
        "members/invitations/<int:invitation_id>/revoke/",
        views.InvitationRevokeView.as_view(),
        name="invitation_revoke",
    ),
    path(
        "invitations/<str:token>/",
        views.InvitationAcceptView.as_view(),
        name="invitation_accept",
    ),
]
