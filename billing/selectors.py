"""Reads of billing: plans, the billing period, which plan lifts a limit, subscriptions and the
limits they put on calls, invoices, alerts, estimates and revenue."""

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_FLOOR, Decimal

from django.db.models import Count, Q, Sum

from billing.models import (
    BillingAdjustment,
    BillingAlert,
    CreditNote,
    Invoice,
    Plan,
    Subscription,
)
from core.cache import TtlCache
from core.errors import NotFoundError
from core.ids import id_is_wellformed
from core.timestamps import timestamp_render as rfc3339
from metering.models import UsageMinute

# The plan a tenant without one is on. Provisioning always sets a plan; this covers rows made by
# hand (operators, old data) so that such a tenant is limited like a free one, never unlimited.
DEFAULT_PLAN_CODE = "free"


def decimal_text(value) -> str:
    """A unit price as API text: plain digits, no trailing zeros, never an exponent
    (``Decimal("4900.000000")`` → ``"4900"``, not ``normalize()``'s ``"4.9E+3"``)."""
    return format(value.normalize(), "f")


def period_bounds(now: datetime | None = None) -> tuple[datetime, datetime]:
    """The billing period containing ``now``: the calendar month (UTC), [start, end)."""
    now = (now or datetime.now(UTC)).astimezone(UTC)
    start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    end = (
        start.replace(year=start.year + 1, month=1)
        if start.month == 12
        else start.replace(month=start.month + 1)
    )
    return start, end


def period_parse(value: str) -> tuple[datetime, datetime]:
    """``"2026-11"`` → that month's bounds; ``ValueError`` for anything else."""
    try:
        year_text, month_text = value.split("-")
        if len(year_text) != 4 or len(month_text) != 2:
            raise ValueError
        start = datetime(int(year_text), int(month_text), 1, tzinfo=UTC)
    except ValueError:
        raise ValueError(f"{value!r} is not a period (YYYY-MM).") from None
    return period_bounds(start)


def period_label(period_start: datetime) -> str:
    return f"{period_start:%Y-%m}"


def plan_get(*, code: str) -> Plan | None:
    return Plan.objects.filter(code=code).first()


def plan_codes() -> list[str]:
    return list(Plan.objects.values_list("code", flat=True))


def plan_of(organisation) -> Plan:
    """The plan in force for a live tenant row (``DEFAULT_PLAN_CODE`` when it has none)."""
    return organisation.plan or Plan.objects.get(code=DEFAULT_PLAN_CODE)


_public_plans_cache = TtlCache(ttl=60)


def plans_public() -> list[dict]:
    """The public price list, in listing order (cached per process for a minute)."""
    return _public_plans_cache.get_or_load(
        "plans",
        lambda: list(
            Plan.objects.filter(is_public=True).values(
                "code", "name", "rate_per_second", "burst", "included_calls", "is_hard_cap"
            )
        ),
    )


def plans_public_cache_clear() -> None:
    _public_plans_cache.clear()


def plan_that_lifts(
    *, limit: str, rate_per_second: int, burst: int, included_calls: int | None
) -> dict | None:
    """The cheapest public plan (in listing order) that lifts ``limit`` — ``"quota"`` (the monthly
    included calls of a hard-capped plan) or ``"rate"`` — or None when none does."""
    for plan in plans_public():
        if limit == "quota":
            if not plan["is_hard_cap"] or (plan["included_calls"] or 0) > (included_calls or 0):
                return plan
        elif plan["rate_per_second"] > rate_per_second or plan["burst"] > burst:
            return plan
    return None


def plan_limit_text(plan: dict, *, limit: str) -> str:
    """How a plan states the limit: "100,000 calls a month", "25/s, burst 50"."""
    if limit == "quota":
        included = plan["included_calls"]
        return "unlimited calls" if included is None else f"{included:,} calls a month"
    return f"{plan['rate_per_second']}/s, burst {plan['burst']}"


@dataclass(frozen=True)
class PeriodCalls:
    total: int  # every metered call, live and sandbox, refused or not
    live: int
    billable: int  # live calls the ledger marks billable (not sandbox, not refused, not 5xx)


def period_calls(*, organisation_id: int, start: datetime, end: datetime) -> PeriodCalls:
    """An organisation's calls in [start, end) as flushed into the ledger so far."""
    totals = UsageMinute.objects.filter(
        tenant_id=organisation_id, minute__gte=start, minute__lt=end
    ).aggregate(
        total=Sum("calls"),
        live=Sum("calls", filter=Q(mode="live")),
        billable=Sum("calls", filter=Q(is_billable=True, mode="live")),
    )
    return PeriodCalls(
        total=totals["total"] or 0, live=totals["live"] or 0, billable=totals["billable"] or 0
    )


def usage_flush_caught_up(*, until: datetime) -> tuple[bool, str]:
    """Whether the usage flush has folded every call made before ``until`` into the ledger: no
    unflushed stream entry is older than ``until``. (Calls still in a process's capture buffer
    reach the stream within ``USAGE_PUSH_INTERVAL``; the close's grace period covers them.)
    Returns (caught up, why not)."""
    from django_redis import get_redis_connection

    from metering.selectors import usage_flush_backlog

    try:
        backlog = usage_flush_backlog(redis=get_redis_connection("default"))
    except Exception as exc:  # Redis unreachable: the backlog is unknown, so wait
        return False, f"the usage stream cannot be read ({exc.__class__.__name__})"
    if backlog.pending == 0:
        return True, ""
    oldest = datetime.now(UTC).timestamp() - backlog.lag_seconds
    if oldest > until.timestamp():
        return True, ""
    return False, (
        f"{backlog.pending} usage records are not flushed yet, the oldest "
        f"{backlog.lag_seconds:.0f} s old (from before {until:%Y-%m-%d %H:%M} UTC)"
    )


# --- Subscriptions and the limits they put on live calls


class SubscriptionNotFound(NotFoundError):
    code = "subscription_not_found"


def subscription_of(organisation) -> Subscription:
    """The subscription of an organisation (either twin). Creates none: provisioning does, and
    migration 0007 gave every older tenant one (``subscription_ensure`` covers rows made by
    hand). Raises ``SubscriptionNotFound``."""
    organisation = organisation.organisation
    subscription = (
        Subscription.objects.select_related("organisation__plan", "scheduled_plan", "period_plan")
        .filter(organisation_id=organisation.pk)
        .first()
    )
    if subscription is None:
        raise SubscriptionNotFound(f"Organisation {organisation.slug!r} has no subscription.")
    return subscription


def plan_bills_overage(plan: Plan, subscription: Subscription | None) -> bool:
    """Whether calls past the plan's included ones are billed (rather than refused or free)."""
    if plan.included_calls is None or plan.overage_unit_price <= 0:
        return False
    if plan.is_hard_cap:
        return bool(
            subscription is not None
            and subscription.pay_as_you_go
            and subscription.has_payment_method
        )
    return True


@dataclass(frozen=True)
class CallLimits:
    """What billing allows an organisation's live calls this period (the gateway caches it like
    the plan; every write that changes it calls ``caches_invalidate("plan")``).

    - ``quota_calls``: billable calls past it → 429 ``quota_exceeded`` (a hard-capped plan
      without pay-as-you-go); None: no quota.
    - ``spend_cap_calls``: billable calls past it → 402 ``spend_cap_reached``; None: no cap (or
      nothing billed per call). It is ``included + floor(allowance / unit price)``, allowance the
      cap (kind ``overage``) or the cap minus the period's fixed charges (kind ``total``: base
      fee and prorations), never below the included calls.
    - ``is_restricted``: set by dunning → 402 ``payment_required`` (``restricted_reason``).
    Sandbox calls are never subject to any of these.
    """

    quota_calls: int | None
    spend_cap_calls: int | None
    spend_cap_amount: int | None
    spend_cap_kind: str
    currency: str
    is_restricted: bool
    restricted_reason: str
    included_calls: int | None
    overage_unit_price: Decimal
    plan_code: str


def _period_fixed_charges(subscription: Subscription, period_start: datetime) -> int:
    """Base fee and pending adjustments of the period: what a ``total`` cap spends first."""
    from billing.rating import base_fee_amount

    plan = subscription.period_plan or subscription.organisation.plan
    adjustments = BillingAdjustment.objects.filter(
        organisation_id=subscription.organisation_id,
        period_start=period_start,
        invoice__isnull=True,
    ).values_list("amount", flat=True)
    base = base_fee_amount(plan=plan, subscription=subscription) if plan else 0
    return base + sum(adjustments)


def call_limits_of(organisation) -> CallLimits:
    """The limits of an organisation's (either twin's) live calls; see ``CallLimits``. An
    organisation without a subscription (rows made by hand) is limited by its plan alone."""
    organisation = organisation.organisation
    plan = plan_of(organisation)
    subscription = Subscription.objects.filter(organisation_id=organisation.pk).first()
    if subscription is not None:
        subscription.organisation = organisation
    bills_overage = plan_bills_overage(plan, subscription)
    quota_calls = (
        plan.included_calls
        if plan.is_hard_cap and plan.included_calls is not None and not bills_overage
        else None
    )
    spend_cap_calls = None
    cap = subscription.spend_cap_amount if subscription is not None else None
    kind = subscription.spend_cap_kind if subscription is not None else "overage"
    if cap is not None and bills_overage:
        allowance = cap
        if kind == Subscription.SpendCapKind.TOTAL:
            allowance -= _period_fixed_charges(subscription, subscription.current_period_start)
        extra = (
            int((Decimal(allowance) / plan.overage_unit_price).to_integral_value(ROUND_FLOOR))
            if allowance > 0
            else 0
        )
        spend_cap_calls = plan.included_calls + extra
    is_restricted = subscription is not None and subscription.restricted_at is not None
    return CallLimits(
        quota_calls=quota_calls,
        spend_cap_calls=spend_cap_calls,
        spend_cap_amount=cap,
        spend_cap_kind=kind,
        currency=plan.currency,
        is_restricted=is_restricted,
        restricted_reason=(
            "An invoice is past due: pay it to restore live API calls." if is_restricted else ""
        ),
        included_calls=plan.included_calls,
        overage_unit_price=plan.overage_unit_price,
        plan_code=plan.code,
    )


def subscription_as_dict(subscription: Subscription) -> dict:
    """A subscription as the API and its events render it."""
    plan = subscription.organisation.plan
    return {
        "id": subscription.public_id,
        "object": "subscription",
        "status": subscription.status,
        "provider": subscription.provider,
        "plan": plan.code if plan else DEFAULT_PLAN_CODE,
        "current_period_start": rfc3339(subscription.current_period_start),
        "current_period_end": rfc3339(subscription.current_period_end),
        "trial_end": rfc3339(subscription.trial_end),
        "scheduled_plan": subscription.scheduled_plan.code if subscription.scheduled_plan else None,
        "cancel_at_period_end": subscription.cancel_at_period_end,
        "cancelled_at": rfc3339(subscription.cancelled_at),
        "has_payment_method": subscription.has_payment_method,
        "pay_as_you_go": subscription.pay_as_you_go,
        "spend_cap": {
            "amount": subscription.spend_cap_amount,
            "kind": subscription.spend_cap_kind,
        },
        "budget_amounts": list(subscription.budget_amounts or []),
        "currency": plan.currency if plan else "usd",
        "past_due_since": rfc3339(subscription.past_due_since),
        "restricted_at": rfc3339(subscription.restricted_at),
        "created_at": rfc3339(subscription.created_at),
        "updated_at": rfc3339(subscription.updated_at),
    }


# --- Invoices


class InvoiceNotFound(NotFoundError):
    code = "invoice_not_found"


def invoices_of(organisation):
    """An organisation's invoices, newest period first (drafts included)."""
    return Invoice.objects.filter(organisation_id=organisation.organisation.pk).order_by(
        "-period_start", "-id"
    )


def invoice_get(organisation, public_id) -> Invoice:
    """The organisation's invoice ``public_id``; ``InvoiceNotFound`` when it is missing, malformed
    or another organisation's — one error, so callers cannot tell which."""
    if not id_is_wellformed(public_id, prefix="inv"):
        raise InvoiceNotFound("No such invoice.")
    invoice = (
        Invoice.objects.filter(organisation_id=organisation.organisation.pk, public_id=public_id)
        .prefetch_related("lines", "credit_notes")
        .first()
    )
    if invoice is None:
        raise InvoiceNotFound("No such invoice.")
    return invoice


def invoice_as_dict(invoice: Invoice) -> dict:
    """An invoice as the API and its events render it (lines and credit notes included)."""
    return {
        "id": invoice.public_id,
        "object": "invoice",
        "number": invoice.number,
        "status": invoice.status,
        "kind": invoice.kind,
        "plan": invoice.plan_code,
        "period": period_label(invoice.period_start),
        "period_start": rfc3339(invoice.period_start),
        "period_end": rfc3339(invoice.period_end),
        "currency": invoice.currency,
        "subtotal": invoice.subtotal,
        "total": invoice.total,
        "amount_paid": invoice.amount_paid,
        "amount_credited": invoice.amount_credited,
        "amount_due": invoice.amount_due,
        "calls_total": invoice.calls_total,
        "calls_billable": invoice.calls_billable,
        "lines": [
            {
                "kind": line.kind,
                "description": line.description,
                "quantity": line.quantity,
                "unit_amount": decimal_text(line.unit_amount),
                "amount": line.amount,
                "period_start": rfc3339(line.period_start),
                "period_end": rfc3339(line.period_end),
            }
            for line in invoice.lines.all()
        ],
        "credit_notes": [
            {
                "id": note.public_id,
                "number": note.number,
                "amount": note.amount,
                "reason": note.reason,
                "created_at": rfc3339(note.created_at),
            }
            for note in invoice.credit_notes.all()
        ],
        "issued_at": rfc3339(invoice.issued_at),
        "finalised_at": rfc3339(invoice.finalised_at),
        "due_at": rfc3339(invoice.due_at),
        "paid_at": rfc3339(invoice.paid_at),
        "voided_at": rfc3339(invoice.voided_at),
        "payment_attempts": invoice.payment_attempts,
        "next_payment_attempt_at": rfc3339(invoice.next_payment_attempt_at),
        "created_at": rfc3339(invoice.created_at),
    }


def credit_notes_of(invoice: Invoice):
    return CreditNote.objects.filter(invoice=invoice)


# --- Alerts


def billing_alerts_of(organisation, period_start: datetime | None = None):
    """Thresholds reached in the period (default: the current one), newest first — what the
    portal's banner shows (those not dismissed)."""
    if period_start is None:
        period_start, _ = period_bounds()
    return BillingAlert.objects.filter(
        organisation_id=organisation.organisation.pk, period_start=period_start
    )


# --- Cost estimate


def _period_cost(*, plan, base_plan, subscription, start, end, calls, adjustments) -> int:
    from billing.rating import period_rate

    rated = period_rate(
        plan=plan,
        base_plan=base_plan,
        period_start=start,
        period_end=end,
        billable_calls=calls,
        bills_overage=plan_bills_overage(plan, subscription),
        adjustments=adjustments,
        trial_end=subscription.trial_end if subscription else None,
        started_at=subscription.started_at if subscription else None,
    )
    return max(rated.subtotal, 0)


def usage_cost_estimate(organisation, *, now: datetime | None = None) -> dict:
    """The current period's cost so far and projected to the period's end at the run rate so far
    (calls per second since the period — or the subscription — began), and the same usage priced
    on every other public plan as if it had been on that plan all period. Amounts are integer
    minor units of the plan's currency. Calls are the ledger's (flushed every few seconds)."""
    from billing.rating import AdjustmentInput

    organisation = organisation.organisation
    now = now or datetime.now(UTC)
    subscription = Subscription.objects.filter(organisation_id=organisation.pk).first()
    plan = plan_of(organisation)
    if subscription is not None:
        subscription.organisation = organisation
        start, end = subscription.current_period_start, subscription.current_period_end
        base_plan = subscription.period_plan or plan
    else:
        start, end = period_bounds(now)
        base_plan = plan
    calls = period_calls(organisation_id=organisation.pk, start=start, end=end).billable
    began = max(start, subscription.started_at) if subscription is not None else start
    elapsed = max((min(now, end) - began).total_seconds(), 1.0)
    remaining = max((end - min(now, end)).total_seconds(), 0.0)
    projected_calls = calls + int(Decimal(calls) * Decimal(remaining) / Decimal(elapsed))
    adjustments = [
        AdjustmentInput(
            kind=a.kind,
            description=a.description,
            quantity=a.quantity,
            unit_amount=a.unit_amount,
            amount=a.amount,
        )
        for a in BillingAdjustment.objects.filter(
            organisation_id=organisation.pk, period_start=start, invoice__isnull=True
        )
    ]

    def cost(on_plan, on_base, n, with_adjustments):
        return _period_cost(
            plan=on_plan,
            base_plan=on_base,
            subscription=subscription,
            start=start,
            end=end,
            calls=n,
            adjustments=adjustments if with_adjustments else [],
        )

    others = []
    for other in Plan.objects.filter(is_public=True).order_by("sort_order", "code"):
        refused = 0
        if other.is_hard_cap and not plan_bills_overage(other, subscription):
            refused = max(0, projected_calls - (other.included_calls or 0))
        others.append(
            {
                "plan": other.code,
                "name": other.name,
                "is_current": other.pk == plan.pk,
                "cost_so_far": cost(other, other, calls, False),
                "projected_cost": cost(other, other, projected_calls, False),
                "projected_calls_refused": refused,
            }
        )
    return {
        "object": "usage_cost_estimate",
        "period": period_label(start),
        "period_start": rfc3339(start),
        "period_end": rfc3339(end),
        "as_of": rfc3339(now),
        "currency": plan.currency,
        "plan": plan.code,
        "included_calls": plan.included_calls,
        "overage_unit_price": decimal_text(plan.overage_unit_price),
        "calls_so_far": calls,
        "cost_so_far": cost(plan, base_plan, calls, True),
        "projected_calls": projected_calls,
        "projected_cost": cost(plan, base_plan, projected_calls, True),
        "spend_cap": {
            "amount": subscription.spend_cap_amount if subscription else None,
            "kind": subscription.spend_cap_kind if subscription else "overage",
        },
        "plans": others,
    }


# --- Revenue (operators)


def revenue_by_plan() -> list[dict]:
    """Monthly recurring revenue per plan: organisations on each plan now (not cancelled, not
    scheduled to cancel) × the plan's base fee, in minor units."""
    from tenants.models import Tenant

    rows = (
        Tenant.objects.filter(mode="live", subscription__isnull=False)
        .exclude(subscription__status=Subscription.Status.CANCELLED)
        .exclude(subscription__cancel_at_period_end=True)
        .values("plan__code", "plan__name", "plan__monthly_price", "plan__currency")
        .annotate(organisations=Count("id"))
        .order_by("plan__code")
    )
    return [
        {
            "plan": row["plan__code"] or DEFAULT_PLAN_CODE,
            "name": row["plan__name"] or "",
            "organisations": row["organisations"],
            "monthly_price": row["plan__monthly_price"] or 0,
            "mrr": (row["plan__monthly_price"] or 0) * row["organisations"],
            "currency": row["plan__currency"] or "usd",
        }
        for row in rows
    ]


def overage_revenue_by_period(*, limit: int = 24) -> list[dict]:
    """Per closed period (newest first): invoices, calls billed, overage and total invoiced
    (void invoices excluded), in minor units."""
    from billing.models import InvoiceLine

    invoices = (
        Invoice.objects.exclude(status=Invoice.Status.VOID)
        .values("period_start")
        .annotate(
            invoices=Count("id"),
            total=Sum("total"),
            calls=Sum("calls_billable"),
            credited=Sum("amount_credited"),
        )
        .order_by("-period_start")[:limit]
    )
    overage = dict(
        InvoiceLine.objects.filter(kind="overage")
        .exclude(invoice__status=Invoice.Status.VOID)
        .values("invoice__period_start")
        .annotate(amount=Sum("amount"))
        .values_list("invoice__period_start", "amount")
    )
    return [
        {
            "period": period_label(row["period_start"]),
            "period_start": row["period_start"],
            "invoices": row["invoices"],
            "calls_billable": row["calls"] or 0,
            "overage": overage.get(row["period_start"], 0) or 0,
            "total": row["total"] or 0,
            "credited": row["credited"] or 0,
        }
        for row in invoices
    ]


# --- Reconciliation

# Billing's own API routes (api.v1.billing: ``ApiView.is_billing_route``) are metered but never
# billed; the request log shows their route template, so these prefixes tell them apart there.
BILLING_ROUTE_PREFIXES = ("/v1/usage", "/v1/invoices", "/v1/billing/")
# Statuses of calls the gateway refused (rate limit, quota: 429; spend cap, restriction: 402):
# metered, never billed. 5xx (failed on our side) are never billed either.
REFUSED_STATUSES = (402, 429)


@dataclass(frozen=True)
class ReconcileRow:
    organisation_id: int
    slug: str
    served: int  # live calls in the request log
    served_billable: int  # of those, billable by the ledger's rule
    metered: int  # live calls in the ledger
    metered_billable: int
    invoiced: int | None  # calls_billable of the period's invoice; None: no invoice
    invoice_number: str | None

    @property
    def differences(self) -> list[str]:
        found = []
        if self.served != self.metered:
            found.append(f"served {self.served} != metered {self.metered}")
        if self.served_billable != self.metered_billable:
            found.append(
                f"served billable {self.served_billable} != metered billable "
                f"{self.metered_billable}"
            )
        if self.invoiced is None:
            if self.metered_billable:
                found.append(f"{self.metered_billable} billable calls and no invoice")
        elif self.invoiced != self.metered_billable:
            found.append(f"invoiced {self.invoiced} != metered billable {self.metered_billable}")
        return found


def _served_calls(organisation, start: datetime, end: datetime) -> tuple[int, int]:
    from django_tenants.utils import schema_context

    from requestlog.models import RequestLog

    billing_routes = Q()
    for prefix in BILLING_ROUTE_PREFIXES:
        billing_routes |= Q(route__startswith=prefix)
    with schema_context(organisation.schema_name):
        totals = RequestLog.objects.filter(created_at__gte=start, created_at__lt=end).aggregate(
            served=Count("id"),
            billable=Count(
                "id", filter=Q(status__lt=500) & ~Q(status__in=REFUSED_STATUSES) & ~billing_routes
            ),
        )
    return totals["served"] or 0, totals["billable"] or 0


def billing_reconcile(*, period_start: datetime, organisations=None) -> list[ReconcileRow]:
    """Per organisation (every subscribed one by default): the period's live calls as served
    (the request log in its live schema), as metered (the ledger) and as invoiced. Any
    difference means a call was lost, counted twice, or billed wrongly (``differences``)."""
    start, end = period_bounds(period_start)
    if organisations is None:
        from tenants.models import Tenant

        organisations = Tenant.objects.filter(mode="live", subscription__isnull=False).order_by(
            "slug"
        )
    invoices = {
        invoice.organisation_id: invoice
        for invoice in Invoice.objects.filter(period_start=start, kind=Invoice.Kind.PERIOD)
    }
    rows = []
    for organisation in organisations:
        served, served_billable = _served_calls(organisation, start, end)
        calls = period_calls(organisation_id=organisation.pk, start=start, end=end)
        invoice = invoices.get(organisation.pk)
        if invoice is not None and invoice.status == Invoice.Status.VOID:
            invoice = None
        rows.append(
            ReconcileRow(
                organisation_id=organisation.pk,
                slug=organisation.slug,
                served=served,
                served_billable=served_billable,
                metered=calls.live,
                metered_billable=calls.billable,
                invoiced=invoice.calls_billable if invoice is not None else None,
                invoice_number=invoice.number if invoice is not None else None,
            )
        )
    return rows


def upgrade_proration_charge(*, subscription, previous, plan, now: datetime) -> int:
    """What an upgrade from ``previous`` to ``plan`` at ``now`` charges on this period's invoice:
    the base-fee difference for the rest of the period (from the trial's end when in a trial),
    rounded once (``billing.rating.proration_amount``). The one computation behind
    ``subscription_change_plan`` and the portal's preview."""
    from billing.rating import proration_amount

    start = now
    if subscription.trial_end is not None and subscription.trial_end > start:
        start = subscription.trial_end
    period_start, period_end = subscription.current_period_start, subscription.current_period_end
    return proration_amount(
        int(plan.monthly_price) - int(previous.monthly_price),
        start=start,
        end=period_end,
        period_start=period_start,
        period_end=period_end,
    )
