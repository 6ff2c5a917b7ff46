"""Billing alerts: usage thresholds reached in a period, each once per period.

Thresholds: ``included:50``, ``included:80``, ``included:100`` (percent of the plan's included
calls, on plans that have a number of them), ``budget:<amount>`` (each of the tenant's budget
amounts, against the period's cost so far) and ``spend_cap:<amount>`` (the spend cap reached).
A reached threshold is one ``BillingAlert`` row, inserted with ``ON CONFLICT DO NOTHING`` on
(organisation, period, threshold): whoever inserts it — and only they, whatever the number of
concurrent checkers — writes the event ``billing.usage_threshold_reached`` (``billing.
spend_cap_reached`` for the cap) in the organisation's live schema and emails its owners and
admins once the transaction commits. The portal's banner reads the rows
(``billing.selectors.billing_alerts_of``).

``billing_alerts_check`` runs every minute on the billing queue (beat), and reads the ledger, so
an alert follows a threshold within a minute plus the flush interval.
"""

import logging
from datetime import UTC, datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import Q, Sum

from billing.models import BillingAlert, Subscription
from billing.selectors import period_label, usage_cost_estimate
from billing.services._common import billing_event_emit
from core.timestamps import timestamp_render
from metering.models import UsageMinute

logger = logging.getLogger(__name__)

INCLUDED_PERCENTS = (50, 80, 100)


def _thresholds_reached(*, subscription, calls: int, amount: int) -> list[tuple[str, str]]:
    """(threshold, event type) pairs reached by ``calls`` and ``amount`` so far."""
    plan = subscription.organisation.plan
    reached = []
    included = plan.included_calls if plan is not None else None
    if included:
        for percent in INCLUDED_PERCENTS:
            if calls * 100 >= included * percent:
                reached.append((f"included:{percent}", "billing.usage_threshold_reached"))
    for budget in subscription.budget_amounts or []:
        if isinstance(budget, int) and amount >= budget:
            reached.append((f"budget:{budget}", "billing.usage_threshold_reached"))
    cap = subscription.spend_cap_amount
    if cap is not None:
        spent = amount
        if subscription.spend_cap_kind == Subscription.SpendCapKind.OVERAGE:
            spent = max(0, amount - _fixed_charges(subscription))
        if spent >= cap:
            reached.append((f"spend_cap:{cap}", "billing.spend_cap_reached"))
    return reached


def _fixed_charges(subscription) -> int:
    from billing.selectors import _period_fixed_charges

    return _period_fixed_charges(subscription, subscription.current_period_start)


def _alert_insert(*, subscription, threshold, calls, amount, now) -> int | None:
    table = BillingAlert._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (organisation_id, period_start, threshold, reached_at, calls, "  # noqa: S608 - our table
            "amount) VALUES (%s, %s, %s, %s, %s, %s) "
            "ON CONFLICT (organisation_id, period_start, threshold) DO NOTHING RETURNING id",
            [
                subscription.organisation_id,
                subscription.current_period_start,
                threshold,
                now,
                calls,
                amount,
            ],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def _recipients(organisation) -> list[str]:
    return list(
        organisation.memberships.filter(role__in=["owner", "admin"], user__is_active=True)
        .values_list("user__email", flat=True)
        .order_by("user__email")
    )


def _describe(threshold: str, *, plan, currency: str) -> str:
    kind, _, value = threshold.partition(":")
    if kind == "included":
        return f"{value}% of the {plan.included_calls:,} calls included in the {plan.name} plan"
    amount = f"{int(value) / 100:,.2f} {currency.upper()}"
    if kind == "budget":
        return f"your budget of {amount}"
    return f"your spend cap of {amount}: live calls are refused until the cap is raised"


def _alert_email(*, organisation, subject: str, body: str) -> None:
    recipients = _recipients(organisation)
    if not recipients:
        return
    try:
        send_mail(
            subject,
            body,
            getattr(settings, "DEFAULT_FROM_EMAIL", None),
            recipients,
            fail_silently=False,
        )
    except Exception:  # the alert is recorded and shown in the portal either way
        logger.exception("billing alert email to %s failed", organisation.slug)


def billing_alerts_check(*, organisation=None, now: datetime | None = None) -> list[BillingAlert]:
    """Record (and announce) the thresholds reached in each subscription's current period —
    every organisation's, or ``organisation``'s only. Returns the alerts made by this call."""
    now = now or datetime.now(UTC)
    subscriptions = Subscription.objects.select_related("organisation__plan").exclude(
        status=Subscription.Status.CANCELLED
    )
    if organisation is not None:
        subscriptions = subscriptions.filter(organisation_id=organisation.organisation.pk)
    made: list[BillingAlert] = []
    for subscription in subscriptions.iterator():
        calls = (
            UsageMinute.objects.filter(
                tenant_id=subscription.organisation_id,
                minute__gte=subscription.current_period_start,
                minute__lt=subscription.current_period_end,
            ).aggregate(calls=Sum("calls", filter=Q(is_billable=True, mode="live")))["calls"]
            or 0
        )
        if calls == 0 and not subscription.budget_amounts and subscription.spend_cap_amount is None:
            continue
        made.extend(_subscription_check(subscription=subscription, calls=calls, now=now))
    return made


def _subscription_check(*, subscription, calls: int, now: datetime) -> list[BillingAlert]:
    organisation = subscription.organisation
    plan = organisation.plan
    estimate = usage_cost_estimate(organisation, now=now)
    amount = estimate["cost_so_far"]
    reached = _thresholds_reached(subscription=subscription, calls=calls, amount=amount)
    if not reached:
        return []
    made = []
    with transaction.atomic():
        for threshold, event_type in reached:
            alert_id = _alert_insert(
                subscription=subscription, threshold=threshold, calls=calls, amount=amount, now=now
            )
            if alert_id is None:
                continue  # reached before: once per threshold and period
            alert = BillingAlert.objects.get(pk=alert_id)
            made.append(alert)
            description = _describe(threshold, plan=plan, currency=estimate["currency"])
            billing_event_emit(
                organisation=organisation,
                type=event_type,
                data={
                    "object": "billing_alert",
                    "threshold": threshold,
                    "period": period_label(subscription.current_period_start),
                    "calls": calls,
                    "amount": amount,
                    "currency": estimate["currency"],
                    "plan": plan.code if plan else None,
                    "description": description,
                    "reached_at": timestamp_render(now),
                },
            )
            subject = f"[OpenChance] {organisation.name}: {description.split(':')[0]} reached"
            body = (
                f"{organisation.name} ({organisation.slug}) has reached {description}.\n\n"
                f"Period {period_label(subscription.current_period_start)}: {calls:,} billable "
                f"calls, {amount / 100:,.2f} {estimate['currency'].upper()} so far; projected "
                f"{estimate['projected_cost'] / 100:,.2f} by the end of the period.\n\n"
                "Billing settings (budgets, spend cap) are in your developer portal.\n"
            )
            transaction.on_commit(
                lambda s=subject, b=body: _alert_email(organisation=organisation, subject=s, body=b)
            )
    return made
