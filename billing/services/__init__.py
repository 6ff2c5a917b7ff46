"""Writes of billing. One module per concern; everything callers use is importable from here.

- ``plans``: ``plan_update`` (operators edit a price list entry), ``tenant_plan_change``.
- ``subscriptions``: create, change plan (upgrade now + proration; downgrade/cancel at the
  period's end), cancel, resume, trials.
"""

from billing.services.plans import plan_update, tenant_plan_change
from billing.services.subscriptions import subscription_create, subscription_ensure

__all__ = [
    "plan_update",
    "subscription_create",
    "subscription_ensure",
    "tenant_plan_change",
]
