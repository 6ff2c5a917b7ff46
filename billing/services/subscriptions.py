"""Writes of subscriptions (see ``billing.models.Subscription``).

The rules:

- **Periods** are calendar months in UTC (``billing.selectors.period_bounds``): every organisation
  closes on the same instant, so "November's invoice" means one thing to customers, operators and
  the reconciliation, and the ledger's per-minute rows fall in exactly one period.
- **Upgrades take effect at once** (the gateway's limits follow through ``caches_invalidate``):
  the difference between the new and the old plan's base fee, prorated by the seconds left in the
  period (ROUND_HALF_UP, once), is recorded as a ``proration`` ``BillingAdjustment`` that the
  period's invoice bills. Included calls and the overage price of the period are the new plan's.
- **Downgrades and cancellations take effect at the period's end** (``scheduled_plan`` /
  ``cancel_at_period_end``, applied by the period close): the customer keeps what it paid for. A
  downgrade below this period's usage is allowed — this period is billed on the current plan —
  and ``PlanChange.notice`` says what happens next period (calls past the new plan's included
  ones are refused on a hard-capped plan, billed as overage otherwise). A cancelled organisation
  continues on the Free plan (status ``cancelled``) and may subscribe again by changing plan.
- **Operators** may put an organisation on a non-public (custom) plan and may make any change
  take effect at once (``immediately=True``: a downgrade then credits the unused part of the
  base-fee difference, prorated the same way).
- Every change holds the subscription's row lock (``select_for_update``) for its whole
  transaction, writes its ``billing.subscription_*`` event in the organisation's live schema in
  that transaction, and invalidates the gateway's plan caches when limits change.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction

from billing.models import BillingAdjustment, Plan, Subscription
from billing.selectors import (
    DEFAULT_PLAN_CODE,
    period_bounds,
    period_calls,
    plan_codes,
    plan_of,
    subscription_as_dict,
    upgrade_proration_charge,
)
from billing.services._common import billing_event_emit
from core.errors import BusinessRuleError, ConflictError, DomainError, NotFoundError
from core.invalidation import caches_invalidate

TRIAL_DAYS_MAX = 90


class UnknownPlanError(DomainError):
    status = 400
    code = "unknown_plan"
    title = "Unknown plan"


def subscription_create(
    *,
    organisation,
    plan: Plan | None = None,
    trial_days: int | None = None,
    provider: str | None = None,
    now: datetime | None = None,
) -> Subscription:
    """Subscribe an organisation (live row) to ``plan`` (default: the plan it is on), from now to
    the end of the current calendar month; ``trial_days`` starts a trial (status ``trialing``:
    the base fee is credited for the trial's part of each period it covers). Emits
    ``billing.subscription_created``. Refuses a second subscription (``subscription_exists``).
    ``provider`` defaults to ``settings.BILLING_PROVIDER`` (manual without Stripe keys)."""
    organisation = organisation.organisation
    provider = provider or getattr(settings, "BILLING_PROVIDER", Subscription.Provider.MANUAL)
    now = now or datetime.now(UTC)
    if trial_days is not None and (
        not isinstance(trial_days, int)
        or isinstance(trial_days, bool)
        or not 0 < trial_days <= TRIAL_DAYS_MAX
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
            started_at=now,
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


def subscription_lock(organisation) -> Subscription:
    """The organisation's subscription, row-locked until the end of the caller's transaction
    (call inside ``transaction.atomic()``). Every billing write that reads and then changes a
    subscription, its plan or its period's invoice takes this lock first, so they serialise."""
    organisation = organisation.organisation
    subscription = (
        Subscription.objects.select_for_update(of=("self",))
        .select_related("organisation__plan", "scheduled_plan", "period_plan")
        .filter(organisation_id=organisation.pk)
        .first()
    )
    if subscription is None:
        raise NotFoundError(
            f"Organisation {organisation.slug!r} has no subscription.",
            code="subscription_not_found",
        )
    return subscription


def _plan_resolve(plan, *, is_operator: bool) -> Plan:
    if not isinstance(plan, Plan):
        code = plan
        plan = Plan.objects.filter(code=code).first() if isinstance(code, str) else None
        if plan is None:
            raise UnknownPlanError(
                f"Unknown plan {code!r}; plans: {', '.join(plan_codes())}.", field="plan"
            )
    if not plan.is_public and not is_operator:
        raise BusinessRuleError(
            f"Plan {plan.code!r} is assigned by an operator only; contact us to change to it.",
            code="plan_not_available",
            field="plan",
        )
    return plan


def plan_is_downgrade(*, current: Plan, new: Plan) -> bool:
    """A lower base fee, or the same fee with fewer included calls (None = unlimited)."""
    if new.monthly_price != current.monthly_price:
        return new.monthly_price < current.monthly_price
    current_included = current.included_calls if current.included_calls is not None else 2**63
    new_included = new.included_calls if new.included_calls is not None else 2**63
    return new_included < current_included


@dataclass(frozen=True)
class PlanChange:
    subscription: Subscription
    previous_plan: Plan
    plan: Plan  # the plan chosen (in force now for an upgrade, from effective_at for a downgrade)
    kind: str  # "upgrade" | "downgrade"
    effective_at: datetime
    proration: BillingAdjustment | None
    notice: str


def _proration_record(
    *, subscription, previous: Plan, plan: Plan, now: datetime, actor: str
) -> BillingAdjustment | None:
    """The base-fee difference for the rest of the period (trial time excluded), or None."""
    amount = upgrade_proration_charge(
        subscription=subscription, previous=previous, plan=plan, now=now
    )
    if amount == 0:
        return None
    start = now
    if subscription.trial_end is not None and subscription.trial_end > start:
        start = subscription.trial_end
    period_start, period_end = subscription.current_period_start, subscription.current_period_end
    days_left = Decimal((period_end - start).total_seconds() / 86400).quantize(Decimal("0.01"))
    days = (period_end - period_start).days
    return BillingAdjustment.objects.create(
        organisation_id=subscription.organisation_id,
        period_start=period_start,
        kind=BillingAdjustment.Kind.PRORATION,
        description=(
            f"Upgrade {previous.name} to {plan.name} on {now:%Y-%m-%d %H:%M} UTC "
            f"({days_left} of {days} days)"
        ),
        quantity=1,
        unit_amount=Decimal(amount),
        amount=amount,
        created_by=actor,
    )


def _usage_notice(*, organisation, subscription, plan: Plan) -> str:
    if plan.included_calls is None:
        return ""
    calls = period_calls(
        organisation_id=organisation.pk,
        start=subscription.current_period_start,
        end=subscription.current_period_end,
    ).billable
    if calls <= plan.included_calls:
        return ""
    past = (
        "are refused (429 quota_exceeded) unless pay-as-you-go is on"
        if plan.is_hard_cap
        else f"are billed at {plan.overage_unit_price.normalize()} {plan.currency} cents each"
    )
    return (
        f"This period's {calls:,} billable calls exceed {plan.name}'s "
        f"{plan.included_calls:,} included calls. This period is still billed on the current "
        f"plan; from {subscription.current_period_end:%Y-%m-%d} calls past {plan.included_calls:,} "
        f"a month {past}."
    )


def subscription_change_plan(
    *,
    organisation,
    plan: Plan | str,
    is_operator: bool = False,
    immediately: bool = False,
    actor: str = "",
    now: datetime | None = None,
) -> PlanChange:
    """Move an organisation to ``plan`` (a ``Plan`` or its code) — see module for the rules.

    Refuses an unknown plan (400 ``unknown_plan``), a non-public plan unless ``is_operator``
    (422 ``plan_not_available``), ``immediately`` unless ``is_operator``, and a change to the
    plan already in force with nothing scheduled (409 ``plan_unchanged``); choosing the plan in
    force while a downgrade or cancellation is scheduled withdraws it. Emits
    ``billing.subscription_updated``."""
    now = now or datetime.now(UTC)
    if immediately and not is_operator:
        raise BusinessRuleError(
            "Only operators may make a downgrade take effect before the period's end.",
            code="immediate_change_not_allowed",
        )
    plan = _plan_resolve(plan, is_operator=is_operator)
    with transaction.atomic():
        subscription = subscription_lock(organisation)
        organisation = subscription.organisation
        previous = plan_of(organisation)
        was_cancelled = subscription.status == Subscription.Status.CANCELLED
        if plan.pk == previous.pk and not was_cancelled:
            if subscription.scheduled_plan_id is None and not subscription.cancel_at_period_end:
                raise ConflictError(
                    f"The organisation is on the {plan.name} plan already.",
                    code="plan_unchanged",
                    field="plan",
                )
            subscription.scheduled_plan = None
            subscription.cancel_at_period_end = False
            subscription.save(
                update_fields=["scheduled_plan", "cancel_at_period_end", "updated_at"]
            )
            billing_event_emit(
                organisation=organisation,
                type="billing.subscription_updated",
                data=subscription_as_dict(subscription),
            )
            return PlanChange(
                subscription=subscription,
                previous_plan=previous,
                plan=plan,
                kind="unchanged",
                effective_at=now,
                proration=None,
                notice="The scheduled change was withdrawn.",
            )
        downgrade = plan_is_downgrade(current=previous, new=plan)
        if downgrade and not immediately:
            subscription.scheduled_plan = plan
            subscription.cancel_at_period_end = False
            subscription.save(
                update_fields=["scheduled_plan", "cancel_at_period_end", "updated_at"]
            )
            change = PlanChange(
                subscription=subscription,
                previous_plan=previous,
                plan=plan,
                kind="downgrade",
                effective_at=subscription.current_period_end,
                proration=None,
                notice=_usage_notice(
                    organisation=organisation, subscription=subscription, plan=plan
                ),
            )
        else:
            proration = _proration_record(
                subscription=subscription, previous=previous, plan=plan, now=now, actor=actor
            )
            organisation.plan = plan
            organisation.save(update_fields=["plan"])
            subscription.scheduled_plan = None
            subscription.cancel_at_period_end = False
            if was_cancelled:
                subscription.status = Subscription.Status.ACTIVE
                subscription.cancelled_at = None
            subscription.save()
            change = PlanChange(
                subscription=subscription,
                previous_plan=previous,
                plan=plan,
                kind="downgrade" if downgrade else "upgrade",
                effective_at=now,
                proration=proration,
                notice="",
            )
            caches_invalidate("plan")
        billing_event_emit(
            organisation=organisation,
            type="billing.subscription_updated",
            data=subscription_as_dict(subscription),
        )
    return change


def subscription_cancel(*, organisation, now: datetime | None = None) -> Subscription:
    """Cancel at the end of the current period: the organisation keeps its plan until then and
    continues on Free afterwards (status ``cancelled``). Refuses a Free organisation
    (``nothing_to_cancel``) and a cancellation already scheduled (``already_cancelling``).
    Emits ``billing.subscription_updated`` now and ``billing.subscription_cancelled`` at the
    period's close."""
    with transaction.atomic():
        subscription = subscription_lock(organisation)
        plan = plan_of(subscription.organisation)
        if subscription.status == Subscription.Status.CANCELLED or (
            plan.code == DEFAULT_PLAN_CODE and subscription.scheduled_plan_id is None
        ):
            raise BusinessRuleError(
                "The organisation is on the Free plan: there is nothing to cancel.",
                code="nothing_to_cancel",
            )
        if subscription.cancel_at_period_end:
            raise ConflictError(
                "The subscription is already cancelled at the end of the period.",
                code="already_cancelling",
            )
        subscription.cancel_at_period_end = True
        subscription.scheduled_plan = None
        subscription.save(update_fields=["cancel_at_period_end", "scheduled_plan", "updated_at"])
        billing_event_emit(
            organisation=subscription.organisation,
            type="billing.subscription_updated",
            data=subscription_as_dict(subscription),
        )
    return subscription


def subscription_resume(*, organisation) -> Subscription:
    """Withdraw a scheduled cancellation or downgrade (``nothing_to_resume`` when none is)."""
    with transaction.atomic():
        subscription = subscription_lock(organisation)
        if not subscription.cancel_at_period_end and subscription.scheduled_plan_id is None:
            raise ConflictError(
                "No cancellation or downgrade is scheduled.", code="nothing_to_resume"
            )
        subscription.cancel_at_period_end = False
        subscription.scheduled_plan = None
        subscription.save(update_fields=["cancel_at_period_end", "scheduled_plan", "updated_at"])
        billing_event_emit(
            organisation=subscription.organisation,
            type="billing.subscription_updated",
            data=subscription_as_dict(subscription),
        )
    return subscription


def subscription_period_roll(*, subscription: Subscription, now: datetime) -> list[str]:
    """Move a locked subscription whose period has ended to the next period, applying what was
    scheduled for the period's end: a downgrade, a cancellation (→ Free, ``cancelled``), the end
    of a trial. Returns the event types emitted. Called by the period close, in its transaction,
    holding the subscription's lock (``subscription_lock``)."""
    organisation = subscription.organisation
    emitted = []
    if subscription.cancel_at_period_end:
        free = Plan.objects.get(code=DEFAULT_PLAN_CODE)
        organisation.plan = free
        organisation.save(update_fields=["plan"])
        subscription.status = Subscription.Status.CANCELLED
        subscription.cancelled_at = subscription.current_period_end
        subscription.cancel_at_period_end = False
        subscription.pay_as_you_go = False
        emitted.append("billing.subscription_cancelled")
    elif subscription.scheduled_plan_id is not None:
        organisation.plan = subscription.scheduled_plan
        organisation.save(update_fields=["plan"])
        emitted.append("billing.subscription_updated")
    subscription.scheduled_plan = None
    if (
        subscription.status == Subscription.Status.TRIALING
        and subscription.trial_end is not None
        and subscription.trial_end <= subscription.current_period_end
    ):
        subscription.status = Subscription.Status.ACTIVE
        emitted.append("billing.subscription_updated")
    start, end = period_bounds(subscription.current_period_end)
    subscription.current_period_start, subscription.current_period_end = start, end
    subscription.period_plan = organisation.plan
    subscription.save()
    for event_type in dict.fromkeys(emitted):
        billing_event_emit(
            organisation=organisation, type=event_type, data=subscription_as_dict(subscription)
        )
    # The spend cap's "total" allowance and the period's quota start afresh with the period.
    caches_invalidate("plan")
    return emitted


def subscription_payment_method_set(*, organisation, has_payment_method: bool) -> Subscription:
    """Record whether a payment method is on file (the provider, or an operator for the manual
    provider). Removing it also turns pay-as-you-go off (it needs one)."""
    with transaction.atomic():
        subscription = subscription_lock(organisation)
        subscription.has_payment_method = bool(has_payment_method)
        if not subscription.has_payment_method:
            subscription.pay_as_you_go = False
        subscription.save(update_fields=["has_payment_method", "pay_as_you_go", "updated_at"])
        billing_event_emit(
            organisation=subscription.organisation,
            type="billing.subscription_updated",
            data=subscription_as_dict(subscription),
        )
    caches_invalidate("plan")
    return subscription
