"""The billing pages (``/billing/…``): plan and status, plan changes with a proration preview,
cancel and resume, the payment method, invoices (page, printable HTML, PDF), the spend cap and
budget alerts, and the period's cost so far, projected and on the other plans.

Billing is the organisation's live account whichever way the live/sandbox switch points: the
sandbox is never billed, so these pages ignore the switch (and say so).

Who may do what (``BillingView``'s ``billing_read_roles`` / ``billing_write_roles``; a refusal is
the portal's 403 page with a sentence saying who may, before any handler runs, so nothing
changes):

- **owners** read everything and are the only ones who change billing (plan, cancel/resume,
  payment method, spend cap, budgets, pay-as-you-go);
- **admins** read everything (invoices, PDFs, settings, the plan comparison and its preview);
- **developers and viewers** read the billing overview (plan, status, period, this period's cost
  — the dashboard shows them that already) and nothing else: invoices and the settings and payment
  pages are 403 for them.

Every read is a ``billing.selectors`` call and every write a ``billing.services`` call; the
proration preview uses ``billing.rating.proration_amount`` exactly as
``subscription_change_plan`` does, so the preview is what the upgrade records.
"""

from datetime import UTC, datetime

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views import View

from billing import rendering
from billing import selectors as billing_selectors
from billing.models import Plan, Subscription
from billing.services import (
    BillingSettingsError,
    billing_settings_update,
    subscription_cancel,
    subscription_change_plan,
    subscription_resume,
)
from billing.services import payment_methods as payment
from billing.services.subscriptions import plan_is_downgrade
from core.errors import DomainError, NotFoundError
from portal.access import ALL_ROLES, SAFE_METHODS, PortalView
from portal.billing.forms import (
    BillingSettingsForm,
    ConfirmForm,
    PlanChoiceForm,
    PlanConfirmForm,
    TestCardForm,
)
from portal.pages.audit import portal_audit
from tenants.models import Membership

OWNERS = frozenset({Membership.Role.OWNER})
OWNERS_AND_ADMINS = frozenset({Membership.Role.OWNER, Membership.Role.ADMIN})

WRITE_REFUSED = "Only an owner of this organisation can change its billing. Ask an owner."
READ_REFUSED = (
    "Invoices, payment and billing settings are shown to owners and admins only. The billing "
    "overview is open to every member."
)


class _BillingAccess(View):
    """Checks the billing roles between ``PortalView.dispatch`` (membership resolved) and the
    handler; a refusal raises ``PermissionDenied`` (the 403 page with the message)."""

    billing_read_roles: frozenset[str] = OWNERS_AND_ADMINS
    billing_write_roles: frozenset[str] = OWNERS

    def dispatch(self, request, *args, **kwargs):
        if request.method in SAFE_METHODS:
            if self.membership.role not in self.billing_read_roles:
                raise PermissionDenied(READ_REFUSED)
        elif self.membership.role not in self.billing_write_roles:
            raise PermissionDenied(WRITE_REFUSED)
        try:
            return super().dispatch(request, *args, **kwargs)
        except NotFoundError:
            raise Http404 from None


class BillingView(PortalView, _BillingAccess):
    # PortalView lets every member through; _BillingAccess decides (with its own messages).
    read_roles = ALL_ROLES
    write_roles = ALL_ROLES

    @property
    def can_write(self) -> bool:
        return self.membership.role in self.billing_write_roles

    @property
    def can_read_finance(self) -> bool:
        return self.membership.role in OWNERS_AND_ADMINS

    def subscription(self) -> Subscription:
        return billing_selectors.subscription_of(self.organisation)

    def money(self, amount: int | None, currency: str | None = None) -> str:
        currency = currency or billing_selectors.plan_of(self.organisation).currency
        return rendering.money(amount or 0, currency)

    def audit(self, action: str, target: str, detail: dict | None = None) -> None:
        portal_audit(self.request, self, action=action, target=target, detail=detail)


def _plan_row(plan: Plan, money) -> dict:
    included = plan.included_calls
    return {
        "plan": plan,
        "price": money(plan.monthly_price, plan.currency),
        "included": "unlimited" if included is None else f"{included:,}",
        "overage": (
            "refused (429) unless pay-as-you-go"
            if plan.is_hard_cap
            else (
                f"{rendering.unit_price(plan.overage_unit_price, plan.currency)} a call"
                if included is not None and plan.overage_unit_price > 0
                else "—"
            )
        ),
        "rate": f"{plan.rate_per_second}/s, burst {plan.burst}",
    }


def plan_change_preview(*, subscription: Subscription, plan: Plan, now: datetime) -> dict:
    """What choosing ``plan`` does now, computed as ``subscription_change_plan`` computes it:
    an upgrade charges the base-fee difference for the rest of the period (from the trial's end
    when in a trial), rounded once (``billing.rating.proration_amount``) and billed on this
    period's invoice; a downgrade charges nothing and takes effect at the period's end."""
    current = billing_selectors.plan_of(subscription.organisation)
    start, end = subscription.current_period_start, subscription.current_period_end
    was_cancelled = subscription.status == Subscription.Status.CANCELLED
    if plan.pk == current.pk and not was_cancelled:
        scheduled = subscription.scheduled_plan_id is not None or subscription.cancel_at_period_end
        return {
            "kind": "withdraw" if scheduled else "unchanged",
            "charge_now": 0,
            "effective_at": now,
            "current": current,
            "plan": plan,
        }
    downgrade = plan_is_downgrade(current=current, new=plan)
    if downgrade:
        calls = billing_selectors.period_calls(
            organisation_id=subscription.organisation_id, start=start, end=end
        ).billable
        over = plan.included_calls is not None and calls > plan.included_calls
        return {
            "kind": "downgrade",
            "charge_now": 0,
            "effective_at": end,
            "current": current,
            "plan": plan,
            "calls": calls,
            "over_new_included": over,
        }
    proration_start = now
    if subscription.trial_end is not None and subscription.trial_end > proration_start:
        proration_start = subscription.trial_end
    charge = billing_selectors.upgrade_proration_charge(
        subscription=subscription, previous=current, plan=plan, now=now
    )
    seconds_left = max((end - max(proration_start, start)).total_seconds(), 0)
    return {
        "kind": "upgrade",
        "charge_now": charge,
        "effective_at": now,
        "current": current,
        "plan": plan,
        "days_left": round(seconds_left / 86400, 2),
        "period_days": (end - start).days,
    }


def _payment_situation(subscription: Subscription) -> str:
    """``manual`` (nothing to add), ``stripe_test`` (the test form), ``stripe_live``
    (Stripe Checkout, not reachable from this build) or ``stripe_unconfigured``."""
    if subscription.provider != Subscription.Provider.STRIPE:
        return "manual"
    if not payment.stripe_configured():
        return "stripe_unconfigured"
    return "stripe_live" if getattr(settings, "STRIPE_LIVE_MODE", False) else "stripe_test"


class BillingHomeView(BillingView):
    """The overview: plan and status, period, what is scheduled, cost so far and projected, the
    same usage on the other plans, spend cap and budgets, alerts, recent invoices."""

    template_name = "portal/billing/home.html"
    billing_read_roles = ALL_ROLES

    def get(self, request):
        subscription = self.subscription()
        plan = billing_selectors.plan_of(self.organisation)
        estimate = billing_selectors.usage_cost_estimate(self.organisation)
        currency = estimate["currency"]
        plans = {
            p.code: p for p in Plan.objects.filter(code__in=[r["plan"] for r in estimate["plans"]])
        }
        others = [
            {
                **row,
                "cost_so_far_text": self.money(row["cost_so_far"], currency),
                "projected_cost_text": self.money(row["projected_cost"], currency),
                "row": _plan_row(plans[row["plan"]], self.money) if row["plan"] in plans else None,
            }
            for row in estimate["plans"]
        ]
        finance = self.can_read_finance
        invoices = list(billing_selectors.invoices_of(self.organisation)[:5]) if finance else []
        alerts = list(billing_selectors.billing_alerts_of(self.organisation))
        return self.render_to_response(
            self.get_context_data(
                subscription=subscription,
                plan=plan,
                plan_row=_plan_row(plan, self.money),
                estimate=estimate,
                cost_so_far_text=self.money(estimate["cost_so_far"], currency),
                projected_cost_text=self.money(estimate["projected_cost"], currency),
                others=others,
                spend_cap_text=(
                    self.money(subscription.spend_cap_amount, currency)
                    if subscription.spend_cap_amount is not None
                    else None
                ),
                budgets_text=[self.money(b, currency) for b in subscription.budget_amounts or []],
                alerts=alerts,
                invoices=[
                    {"invoice": i, "total": self.money(i.total, i.currency)} for i in invoices
                ],
                can_read_finance=finance,
                payment_situation=_payment_situation(subscription),
                can_cancel=(
                    plan.code != billing_selectors.DEFAULT_PLAN_CODE
                    and subscription.status != Subscription.Status.CANCELLED
                    and not subscription.cancel_at_period_end
                ),
                can_resume=(
                    subscription.cancel_at_period_end or subscription.scheduled_plan_id is not None
                ),
            )
        )


class PlanChangeView(BillingView):
    """GET without ``plan``: the public plans to choose from. GET ``?plan=pro``: the preview
    (what is charged now, from when). POST (owners): the confirmed change."""

    template_name = "portal/billing/plan.html"

    def _plans(self) -> list[Plan]:
        return list(Plan.objects.filter(is_public=True).order_by("sort_order", "code"))

    def _context(self, *, form, preview=None, **extra):
        subscription = self.subscription()
        plans = self._plans()
        current = billing_selectors.plan_of(self.organisation)
        if preview is not None:
            preview = {
                **preview,
                "charge_now_text": self.money(preview["charge_now"], preview["plan"].currency),
            }
        return self.get_context_data(
            form=form,
            preview=preview,
            subscription=subscription,
            current=current,
            rows=[_plan_row(p, self.money) for p in plans],
            **extra,
        )

    def get(self, request):
        plans = self._plans()
        if "plan" not in request.GET:
            form = PlanChoiceForm(plans=plans, initial={"plan": self.organisation.plan.code})
            return self.render_to_response(self._context(form=form))
        form = PlanChoiceForm(request.GET, plans=plans)
        if not form.is_valid():
            return self.render_to_response(self._context(form=form), status=400)
        plan = next(p for p in plans if p.code == form.cleaned_data["plan"])
        preview = plan_change_preview(
            subscription=self.subscription(), plan=plan, now=datetime.now(UTC)
        )
        return self.render_to_response(self._context(form=form, preview=preview))

    def post(self, request):
        plans = self._plans()
        form = PlanConfirmForm(request.POST, plans=plans)
        if form.is_valid():
            try:
                change = subscription_change_plan(
                    organisation=self.organisation,
                    plan=form.cleaned_data["plan"],
                    actor=request.user.email,
                )
            except DomainError as error:
                form.add_error(None, error.detail)
            else:
                self.audit(
                    "billing.plan_changed",
                    change.subscription.public_id,
                    {
                        "from": change.previous_plan.code,
                        "to": change.plan.code,
                        "kind": change.kind,
                    },
                )
                messages.success(request, _change_message(change, self.money))
                return HttpResponseRedirect(reverse("portal:billing"))
        return self.render_to_response(self._context(form=form), status=400)


def _change_message(change, money) -> str:
    if change.kind == "upgrade":
        charged = (
            f" {money(change.proration.amount, change.plan.currency)} for the rest of the period "
            "is added to this period's invoice."
            if change.proration is not None
            else ""
        )
        return f"You are on the {change.plan.name} plan from now on.{charged}"
    if change.kind == "downgrade":
        notice = f" {change.notice}" if change.notice else ""
        return (
            f"The change to {change.plan.name} takes effect on "
            f"{change.effective_at:%Y-%m-%d} (the period's end).{notice}"
        )
    return change.notice or "Nothing changed."


class CancelView(BillingView):
    """GET (owners): the confirm page. POST ``confirm=yes``: cancel at the period's end."""

    template_name = "portal/billing/cancel.html"
    billing_read_roles = OWNERS

    def get(self, request):
        return self.render_to_response(
            self.get_context_data(subscription=self.subscription(), form=ConfirmForm())
        )

    def post(self, request):
        form = ConfirmForm(request.POST)
        subscription = self.subscription()
        if form.is_valid():
            try:
                subscription = subscription_cancel(organisation=self.organisation)
            except DomainError as error:
                form.add_error(None, error.detail)
            else:
                self.audit("billing.cancelled", subscription.public_id)
                messages.success(
                    request,
                    f"Cancelled: the {self.organisation.plan.name} plan stays until "
                    f"{subscription.current_period_end:%Y-%m-%d}, then the organisation "
                    "continues on Free.",
                )
                return HttpResponseRedirect(reverse("portal:billing"))
        context = self.get_context_data(subscription=subscription, form=form)
        return self.render_to_response(context, status=400)


class ResumeView(BillingView):
    """POST only (owners): withdraw a scheduled cancellation or downgrade."""

    def post(self, request):
        try:
            subscription = subscription_resume(organisation=self.organisation)
        except DomainError as error:
            messages.error(request, error.detail)
        else:
            self.audit("billing.resumed", subscription.public_id)
            messages.success(request, "The scheduled change was withdrawn: nothing changes.")
        return HttpResponseRedirect(reverse("portal:billing"))


class SettingsView(BillingView):
    """Spend cap, budget alerts and pay-as-you-go. Admins see the values; owners change them."""

    template_name = "portal/billing/settings.html"

    def _initial(self, subscription: Subscription) -> dict:
        def major(amount):
            return f"{amount / 100:.2f}"

        return {
            "spend_cap": major(subscription.spend_cap_amount)
            if subscription.spend_cap_amount is not None
            else "",
            "spend_cap_kind": subscription.spend_cap_kind,
            "budgets": ", ".join(major(b) for b in subscription.budget_amounts or []),
            "pay_as_you_go": subscription.pay_as_you_go,
        }

    def _render(self, form, subscription, status=200):
        plan = billing_selectors.plan_of(self.organisation)
        return self.render_to_response(
            self.get_context_data(
                form=form,
                subscription=subscription,
                plan=plan,
                currency=plan.currency.upper(),
                limits=billing_selectors.call_limits_of(self.organisation),
            ),
            status=status,
        )

    def get(self, request):
        subscription = self.subscription()
        return self._render(BillingSettingsForm(initial=self._initial(subscription)), subscription)

    def post(self, request):
        subscription = self.subscription()
        form = BillingSettingsForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            changes = {
                "spend_cap_amount": data["spend_cap"],
                "spend_cap_kind": data["spend_cap_kind"],
                "budget_amounts": data["budgets"],
            }
            if data["pay_as_you_go"] != subscription.pay_as_you_go:
                changes["pay_as_you_go"] = data["pay_as_you_go"]
            try:
                billing_settings_update(organisation=self.organisation, **changes)
            except (BillingSettingsError, DomainError) as error:
                field = {
                    "spend_cap_amount": "spend_cap",
                    "spend_cap_kind": "spend_cap_kind",
                    "pay_as_you_go": "pay_as_you_go",
                }.get(getattr(error, "field", None) or "")
                if field is None and str(getattr(error, "field", "")).startswith("budget"):
                    field = "budgets"
                form.add_error(field, error.detail)
            else:
                self.audit("billing.settings_changed", subscription.public_id, dict(changes))
                messages.success(request, "Billing settings saved; live calls follow within 5 s.")
                return HttpResponseRedirect(reverse("portal:billing_settings"))
        return self._render(form, subscription, status=400)


class PaymentMethodView(BillingView):
    """The payment method: none needed with the manual provider; a clearly labelled test form
    (Stripe's test cards, attached through the Stripe API the billing provider uses) in Stripe's
    test mode; in live mode, Stripe Checkout — which this build cannot reach, so the page says
    so."""

    template_name = "portal/billing/payment_method.html"

    def _render(self, subscription, form=None, status=200):
        situation = _payment_situation(subscription)
        return self.render_to_response(
            self.get_context_data(
                subscription=subscription,
                situation=situation,
                form=form or (TestCardForm() if situation == "stripe_test" else None),
            ),
            status=status,
        )

    def get(self, request):
        return self._render(self.subscription())

    def post(self, request):
        subscription = self.subscription()
        if _payment_situation(subscription) != "stripe_test":
            raise PermissionDenied(
                "Cards can be added here only in Stripe's test mode; see the page for how to "
                "pay with this organisation's provider."
            )
        form = TestCardForm(request.POST)
        if form.is_valid():
            try:
                payment.test_card_attach(subscription=subscription, card=form.cleaned_data["card"])
            except payment.PaymentMethodError as error:
                form.add_error(None, str(error))
            else:
                self.audit(
                    "billing.payment_method_added", subscription.public_id, form.cleaned_data
                )
                messages.success(
                    request, "Test card attached: it pays this organisation's invoices."
                )
                return HttpResponseRedirect(reverse("portal:billing_payment_method"))
        return self._render(subscription, form=form, status=400)


class InvoiceListView(BillingView):
    template_name = "portal/billing/invoices.html"

    def get(self, request):
        invoices = list(billing_selectors.invoices_of(self.organisation))
        rows = [
            {
                "invoice": invoice,
                "total": self.money(invoice.total, invoice.currency),
                "due": self.money(
                    0
                    if invoice.status in ("paid", "void")
                    else invoice.amount_due - invoice.amount_paid,
                    invoice.currency,
                ),
            }
            for invoice in invoices
        ]
        return self.render_to_response(self.get_context_data(rows=rows))


class InvoiceDetailView(BillingView):
    template_name = "portal/billing/invoice.html"

    def get(self, request, invoice_id: str):
        invoice = billing_selectors.invoice_get(self.organisation, invoice_id)
        return self.render_to_response(
            self.get_context_data(invoice=invoice, doc=rendering.invoice_document(invoice))
        )


class InvoiceDocumentView(BillingView):
    """The invoice as billing renders it: the printable HTML document, or the PDF download."""

    as_pdf = False

    def get(self, request, invoice_id: str):
        invoice = billing_selectors.invoice_get(self.organisation, invoice_id)
        name = invoice.number or invoice.public_id
        if self.as_pdf:
            response = HttpResponse(rendering.invoice_pdf(invoice), content_type="application/pdf")
            response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
        else:
            response = HttpResponse(rendering.invoice_html(invoice))
            # billing's document carries its own <style> and no script: its own policy.
            response["Content-Security-Policy"] = (
                "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
            )
        response["Cache-Control"] = "private, no-store"
        return response
