"""Forms of the members pages."""

from django import forms

from tenants.models import Membership

ROLE_HELP = {
    Membership.Role.OWNER: "everything, billing and deleting the organisation",
    Membership.Role.ADMIN: "members (not owners), keys and webhooks",
    Membership.Role.DEVELOPER: "their own keys, webhooks and logs",
    Membership.Role.VIEWER: "read only",
}


def role_choices(*, actor_role: str) -> list[tuple[str, str]]:
    """The roles ``actor_role`` may grant: owners any, admins all but owner."""
    return [
        (value, f"{label} — {ROLE_HELP[value]}")
        for value, label in Membership.Role.choices
        if actor_role == Membership.Role.OWNER or value != Membership.Role.OWNER
    ]


class InviteForm(forms.Form):
    email = forms.EmailField(
        label="Email address", widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )
    role = forms.ChoiceField(label="Role")

    def __init__(self, *args, actor_role: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = role_choices(actor_role=actor_role)
        self.fields["role"].initial = Membership.Role.DEVELOPER


class RoleForm(forms.Form):
    role = forms.ChoiceField(label="Role", choices=Membership.Role.choices)
