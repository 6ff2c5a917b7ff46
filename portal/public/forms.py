"""Forms of the public site: the cost calculator, sign-up and "find my workspace"."""

from allauth.account.forms import SignupForm
from django import forms
from django.conf import settings

from portal.public.pricing import MAX_CALCULATOR_CALLS
from tenants.services import ProvisioningError, slug_validate


class CalculatorForm(forms.Form):
    calls = forms.IntegerField(
        label="API calls per month",
        min_value=0,
        max_value=MAX_CALCULATOR_CALLS,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 1000}),
    )


class OrganisationSignupForm(SignupForm):
    """allauth's sign-up (email, password: its validation and its rules) plus the organisation.

    ``slug`` is checked here with the same rules provisioning applies (format, reserved names,
    free); provisioning checks again inside its transaction, so a race is still refused."""

    organisation_name = forms.CharField(
        label="Organisation name",
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    slug = forms.CharField(
        label="Workspace address",
        max_length=40,
        help_text=f"Lowercase letters, digits and hyphens: your portal and API live at "
        f"<slug>.{settings.BASE_DOMAIN}.",
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "none"}
        ),
    )
    field_order = ["organisation_name", "slug", "email", "password1"]

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"].strip().lower()
        try:
            slug_validate(slug)
        except ProvisioningError as error:
            raise forms.ValidationError(error.message, code=error.code) from None
        return slug

    def clean_organisation_name(self) -> str:
        name = self.cleaned_data["organisation_name"].strip()
        if not name:
            raise forms.ValidationError("Enter your organisation's name.")
        return name


class FindWorkspaceForm(forms.Form):
    email = forms.EmailField(
        label="Your email address",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
