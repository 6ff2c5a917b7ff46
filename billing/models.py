"""Plans: what a tenant pays for, and the limits that come with it (public schema)."""

from django.db import models


class Plan(models.Model):
    """A price list entry. Operators edit plans in the admin; custom plans serve one tenant."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100)
    monthly_price = models.PositiveIntegerField(
        default=0, help_text="Minor units (cents) per month."
    )
    currency = models.CharField(max_length=3, default="usd")
    included_calls = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="Calls included per month; empty means unlimited."
    )
    is_hard_cap = models.BooleanField(
        default=False,
        help_text=(
            "Refuse calls past the included ones (429 quota_exceeded) instead of billing overage."
        ),
    )
    overage_unit_price = models.DecimalField(
        max_digits=12,
        decimal_places=6,
        default=0,
        help_text="Price per call past the included ones, in minor units.",
    )
    rate_per_second = models.PositiveIntegerField(help_text="Sustained requests per second.")
    burst = models.PositiveIntegerField(help_text="Requests allowed in a burst above the rate.")
    is_public = models.BooleanField(
        default=True, help_text="Listed on the pricing page; custom plans are not."
    )
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_unlimited(self) -> bool:
        return self.included_calls is None
