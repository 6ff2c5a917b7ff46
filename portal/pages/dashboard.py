"""The dashboard (``/``): calls this period against the plan's included calls, an upgrade prompt
when limits bit in the last day, recent errors (linked to their log entries) and the quick start.

The quick start never shows a secret: raw keys exist only at the moment they are issued (sign-up's
welcome page, ``portal.views.HandoffView``, and the key pages show them once). It shows the prefix
of the visitor's newest sandbox key (one they created, else any) with copy-paste snippets that
read the secret from ``OPENCHANCE_API_KEY``, or asks them to create a key.
"""

from datetime import timedelta

from django.utils import timezone

from apikeys.models import ApiKey
from apikeys.selectors import api_key_latest_active
from billing import selectors as billing_selectors
from metering.selectors import usage_calls_by_status, usage_period_billable_calls, usage_summary
from portal.pages.base import DataPageView, url_if_exists, with_percent
from requestlog.selectors import request_log_recent_errors


def _upgrade_prompt(*, plan, rate_limited: int, billable: int) -> dict | None:
    """What to say when limits bit in the last day (429s), or None."""
    quota_reached = plan.is_hard_cap and plan.included_calls is not None
    quota_reached = quota_reached and billable >= plan.included_calls
    if not rate_limited and not quota_reached:
        return None
    limit = "quota" if quota_reached else "rate"
    lifting = billing_selectors.plan_that_lifts(
        limit=limit,
        rate_per_second=plan.rate_per_second,
        burst=plan.burst,
        included_calls=plan.included_calls,
    )
    return {
        "limit": limit,
        "rate_limited": rate_limited,
        "plan": lifting,
        "plan_limit": billing_selectors.plan_limit_text(lifting, limit=limit) if lifting else "",
    }


def _money(minor_units, currency: str) -> str:
    return f"{(minor_units or 0) / 100:,.2f} {currency.upper()}"


def _billing_panel(organisation, *, refused_402: int) -> dict:
    """The billing slot: cost so far and projected (``billing.selectors.usage_cost_estimate``),
    alerts not dismissed (``billing_alerts_of``), the spend cap, and whether live calls were
    refused with 402 (spend cap reached or account restricted) in the last day — from the
    ledger."""
    estimate = billing_selectors.usage_cost_estimate(organisation)
    currency = estimate["currency"]
    cap = (estimate.get("spend_cap") or {}).get("amount")
    return {
        "refused_402": refused_402,
        "estimate": {
            **estimate,
            "cost_so_far_text": _money(estimate["cost_so_far"], currency),
            "projected_cost_text": _money(estimate["projected_cost"], currency),
            "spend_cap_text": _money(cap, currency) if cap is not None else None,
        },
        "alerts": [
            alert
            for alert in billing_selectors.billing_alerts_of(organisation)
            if alert.dismissed_at is None
        ],
    }


class DashboardView(DataPageView):
    template_name = "portal/pages/dashboard.html"

    def get(self, request):
        organisation = self.organisation
        now = timezone.now()
        period_start, period_end = billing_selectors.period_bounds(now)
        plan = billing_selectors.plan_of(organisation)
        billable = usage_period_billable_calls(organisation_id=organisation.pk, since=period_start)
        included = plan.included_calls
        refused = usage_calls_by_status(
            organisation_id=organisation.pk, since=now - timedelta(days=1), statuses=[402, 429]
        )
        rate_limited = refused[429]
        sandbox_key = api_key_latest_active(
            tenant=organisation, mode=ApiKey.Mode.TEST, created_by=request.user
        )
        context = self.get_context_data(
            plan=plan,
            period_start=period_start,
            period_end=period_end,
            billable_calls=billable,
            included_calls=included,
            usage_percent=min(100, round(100 * billable / included)) if included else None,
            mode_summary=with_percent(
                usage_summary(
                    organisation_id=organisation.pk, mode=self.mode, since=period_start, until=now
                )
            ),
            billing_url=url_if_exists("portal:billing"),
            upgrade=_upgrade_prompt(plan=plan, rate_limited=rate_limited, billable=billable),
            recent_errors=request_log_recent_errors(limit=10),
            sandbox_key=sandbox_key,
            api_base=self.api_base(),
            billing=_billing_panel(organisation, refused_402=refused[402]),
        )
        return self.render_to_response(context)
