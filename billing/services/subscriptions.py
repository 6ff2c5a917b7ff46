"""Writes of subscriptions (see billing.models.Subscription)."""

from datetime import UTC, datetime, timedelta

from django.db import transaction

from billing.models import Plan, Subscription
from billing.selectors import period_bounds, plan_of, subscription_as_dict
from billing.services._common import billing_event_emit
from core.errors import BusinessRuleError, ConflictError
from core.invalidation import caches_invalidate

TRIAL_DAYS_MAX = 90


def subscription_create(
    *,
    organisation,
    plan: Plan | None = None,
    trial_days: int | None = None,
    provider: str = Subscription.Provider.MANUAL,
    now: datetime | None = None,
) -> Subscription:
    """Subscribe an organisation (live row) to ``plan`` (default: the plan it is on), from now to
    the end of the current calendar month; ``trial_days`` starts a trial (status ``trialing``:
    the base fee is credited for the trial's part of each period it covers). Emits
    ``billing.subscription_created``. Refuses a second subscription (``subscription_exists``)."""
    organisation = organisation.organisation
    now = now or datetime.now(UTC)
    if trial_days is not None and not (
        isinstance(trial_days, int) and 0 < trial_days <= TRIAL_DAYS_MAX
    ):
        raise BusinessRuleError(
            f"trial_days must be a whole number from 1 to {TRIAL_DAYS_MAX}.",
            code="invalid_trial_days",
            field="trial_days",
        )
    with transaction.atomic():
        if Subscription.objects.filter(organisation_id=organisation.pk).exists():
            raise ConflictError(
                f"Organisation {organisation.slug!r} already has a subscription.",
                code="subscription_exists",
            )
        plan = plan or plan_of(organisation)
        if organisation.plan_id != plan.pk:
            organisation.plan = plan
            organisation.save(update_fields=["plan"])
        start, end = period_bounds(now)
        subscription = Subscription.objects.create(
            organisation=organisation,
            status=(Subscription.Status.TRIALING if trial_days else Subscription.Status.ACTIVE),
            provider=provider,
            current_period_start=start,
            current_period_end=end,
            period_plan=plan,
            trial_end=now + timedelta(days=trial_days) if trial_days else None,
        )
        billing_event_emit(
            organisation=organisation,
            type="billing.subscription_created",
            data=subscription_as_dict(subscription),
        )
    caches_invalidate("plan")
    return subscription


def subscription_ensure(*, organisation) -> Subscription:
    """The organisation's subscription, created (on the plan it is on) if it has none."""
    organisation = organisation.organisation
    subscription = Subscription.objects.filter(organisation_id=organisation.pk).first()
    return subscription or subscription_create(organisation=organisation)
