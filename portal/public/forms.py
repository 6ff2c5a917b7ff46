"""Forms of the public site: the cost calculator, sign-up and "find my workspace"."""

from django import forms

from portal.public.pricing import MAX_CALCULATOR_CALLS


class CalculatorForm(forms.Form):
    calls = forms.IntegerField(
        label="API calls per month",
        min_value=0,
        max_value=MAX_CALCULATOR_CALLS,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 1000}),
    )
