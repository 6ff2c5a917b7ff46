"""Writes of plans: operators edit a price list entry, or put one tenant on a plan.

``caches_invalidate("plan")`` makes the gateway's limits follow at once in this process and at
every other process's next call (see ``core.invalidation``).
"""

from billing.models import Plan, Subscription
from billing.selectors import plans_public_cache_clear
from core.invalidation import caches_invalidate


def tenant_plan_change(*, tenant, plan: Plan, actor: str = ""):
    """Put a tenant (either twin; the plan belongs to the live row) on ``plan`` now — what the
    operator admin does. Through ``subscription_change_plan`` as an operator with
    ``immediately=True`` (an upgrade is prorated, a downgrade credited for the rest of the period,
    the ``billing.subscription_updated`` event written). A row without a subscription (made by
    hand, without schemas) just has its plan set."""
    from billing.services.subscriptions import subscription_change_plan

    organisation = tenant.organisation
    if organisation.plan_id == plan.pk:
        return organisation
    if not Subscription.objects.filter(organisation_id=organisation.pk).exists():
        organisation.plan = plan
        organisation.save(update_fields=["plan"])
        caches_invalidate("plan")
        return organisation
    change = subscription_change_plan(
        organisation=organisation, plan=plan, is_operator=True, immediately=True, actor=actor
    )
    return change.subscription.organisation


def plan_update(*, plan: Plan, **changes) -> Plan:
    """Change a plan's price or limits (operators); every tenant on it follows within 5 s."""
    for name, value in changes.items():
        setattr(plan, name, value)
    plan.full_clean()
    plan.save()
    plans_public_cache_clear()
    caches_invalidate("plan")
    return plan
