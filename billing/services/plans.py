"""Writes of billing: which plan a tenant is on.

Subscriptions, invoices and payment come with the billing issue; today a plan change takes effect
at once. ``caches_invalidate("plan")`` makes the gateway's limits follow it at once in this
process and within ``API_KEY_CACHE_SECONDS`` everywhere else.
"""

from django.db import transaction

from billing.models import Plan
from billing.selectors import plans_public_cache_clear
from core.invalidation import caches_invalidate


def tenant_plan_change(*, tenant, plan: Plan):
    """Put a tenant (either twin; the plan belongs to the live row) on ``plan``."""
    organisation = tenant.organisation
    with transaction.atomic():
        organisation.plan = plan
        organisation.save(update_fields=["plan"])
    caches_invalidate("plan")
    return organisation


def plan_update(*, plan: Plan, **changes) -> Plan:
    """Change a plan's price or limits (operators); every tenant on it follows within 5 s."""
    for name, value in changes.items():
        setattr(plan, name, value)
    plan.full_clean()
    plan.save()
    plans_public_cache_clear()
    caches_invalidate("plan")
    return plan
