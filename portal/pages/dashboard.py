"""The dashboard (``/``): calls this period against the plan's included calls, an upgrade prompt
when limits bit in the last day, recent errors (linked to their log entries) and the quick start.

The quick start never shows a secret it does not have: raw keys exist only when they are issued.
Whoever issues one for the visitor and sends them here (sign-up's one-time landing) may put it in
the session under ``QUICKSTART_SECRET_SESSION_KEY``; the dashboard shows it once and forgets it.
Otherwise it shows the prefix of the visitor's sandbox key with a placeholder in the snippets, or
asks them to create one.
"""

from datetime import timedelta

from django.utils import timezone

from apikeys.keys import api_key_parse
from apikeys.models import ApiKey
from apikeys.selectors import api_key_latest_active
from billing import selectors as billing_selectors
from metering.selectors import usage_period_billable_calls, usage_rate_limited_calls, usage_summary
from portal.pages.base import DataPageView, url_if_exists, with_percent
from requestlog.selectors import request_log_recent_errors

QUICKSTART_SECRET_SESSION_KEY = "portal_quickstart_secret"  # noqa: S105 - a session field name


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


def _billing_panel(organisation) -> dict | None:
    """The billing slot (cost so far and projected, alerts, spend cap) — from billing's selectors
    once they exist; None leaves the slot empty (see templates/portal/pages/_billing.html)."""
    estimate = getattr(billing_selectors, "usage_cost_estimate", None)
    alerts_of = getattr(billing_selectors, "billing_alerts_of", None)
    if estimate is None and alerts_of is None:
        return None
    panel = {}
    if estimate is not None:
        panel["estimate"] = estimate(organisation)
    if alerts_of is not None:
        panel["alerts"] = list(alerts_of(organisation))
    return panel


class DashboardView(DataPageView):
    template_name = "portal/pages/dashboard.html"

    def get(self, request):
        organisation = self.organisation
        now = timezone.now()
        period_start, period_end = billing_selectors.period_bounds(now)
        plan = billing_selectors.plan_of(organisation)
        billable = usage_period_billable_calls(organisation_id=organisation.pk, since=period_start)
        included = plan.included_calls
        rate_limited = usage_rate_limited_calls(
            organisation_id=organisation.pk, since=now - timedelta(days=1)
        )
        fresh_secret = request.session.pop(QUICKSTART_SECRET_SESSION_KEY, None)
        if fresh_secret is not None and api_key_parse(str(fresh_secret)) is None:
            fresh_secret = None  # only ever a key the platform issued
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
            fresh_secret=fresh_secret,
            sandbox_key=sandbox_key,
            api_base=self.api_base(),
            billing=_billing_panel(organisation),
        )
        response = self.render_to_response(context)
        if fresh_secret:
            response["Cache-Control"] = "no-store"
        return response
