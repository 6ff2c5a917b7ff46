"""Gateway errors: rendered as problem+json by ``api.exceptions`` (``extra`` merged into the body,
``headers`` added to the response) and mapped to close codes by the WebSocket stream."""

from decimal import ROUND_HALF_UP, Decimal

from billing.selectors import plan_limit_text, plan_that_lifts
from core.errors import DomainError

# Where a blocked organisation raises its spend cap or pays (named in the 402 problems).
BILLING_SETTINGS_ROUTE = "PATCH /v1/billing/settings"
PORTAL_BILLING_PATH = "/billing/"


class GatewayError(DomainError):
    def __init__(self, detail: str, *, headers: dict[str, str] | None = None, **extra):
        super().__init__(detail, **extra)
        self.headers = headers or {}


class InvalidApiKeyError(GatewayError):
    status = 401
    code = "invalid_api_key"
    title = "Invalid API key"


class InsufficientScopeError(GatewayError):
    status = 403
    code = "insufficient_scope"
    title = "Insufficient scope"


class TenantSuspendedError(GatewayError):
    status = 403
    code = "tenant_suspended"
    title = "Tenant suspended"


class LimitExceededError(GatewayError):
    """A 429: ``from_result`` builds the right one (rate or quota) from a refused LimitResult."""

    status = 429
    code = "rate_limited"
    title = "Rate limit exceeded"

    @staticmethod
    def from_result(result) -> GatewayError:
        """The error for a refused ``LimitResult``: 402 ``spend_cap_reached`` (see
        ``SpendCapReachedError``), else the 429 naming the public plan that lifts the limit."""
        if result.code == "spend_cap_reached":
            return SpendCapReachedError.from_result(result)
        limit = "quota" if result.code == "quota_exceeded" else "rate"
        upgrade = plan_that_lifts(
            limit=limit,
            rate_per_second=result.rate_per_second,
            burst=result.limit,
            included_calls=result.included_calls,
        )
        lift = (
            f" The {upgrade['name']} plan lifts it ({plan_limit_text(upgrade, limit=limit)})."
            if upgrade
            else ""
        )
        if result.code == "quota_exceeded":
            return QuotaExceededError(
                f"The {result.plan_name} plan's {result.included_calls:,} calls this month are "
                f"used up; the quota resets on {result.period_end:%Y-%m-%d}.{lift}",
                headers=result.headers(),
                limit={"name": "monthly_quota", "included_calls": result.included_calls},
                plan=result.plan_code,
                upgrade_plan=upgrade["code"] if upgrade else None,
                retry_after=result.retry_after,
            )
        return RateLimitedError(
            f"Rate limit of {result.rate_per_second}/s (burst {result.limit}) on the "
            f"{result.plan_name} plan exceeded; retry after {result.retry_after} s.{lift}",
            headers=result.headers(),
            limit={
                "name": "rate",
                "rate_per_second": result.rate_per_second,
                "burst": result.limit,
                "cost": result.cost,
            },
            plan=result.plan_code,
            upgrade_plan=upgrade["code"] if upgrade else None,
            retry_after=result.retry_after,
        )


class RateLimitedError(LimitExceededError):
    pass


class QuotaExceededError(LimitExceededError):
    code = "quota_exceeded"
    title = "Monthly quota exceeded"


def money_text(amount: int, currency: str) -> str:
    """``5000, "usd"`` → ``"50.00 USD"`` (amounts are minor units of a two-decimal currency)."""
    return f"{Decimal(amount) / 100:,.2f} {currency.upper()}"


class PaymentRequiredError(GatewayError):
    """402: the organisation is restricted (an invoice past due beyond the dunning grace):
    its live calls are refused before any limit is taken; sandbox calls and the billing routes
    keep working, so it can see what is due and pay it."""

    status = 402
    code = "payment_required"
    title = "Payment required"

    @classmethod
    def for_limits(cls, limits) -> "PaymentRequiredError":
        reason = limits.restricted_reason or "An invoice is past due."
        return cls(
            f"{reason} Live API calls are refused until it is paid; sandbox calls keep working. "
            f"See GET /v1/invoices or the portal's billing page ({PORTAL_BILLING_PATH}).",
            invoices_route="GET /v1/invoices",
            portal_path=PORTAL_BILLING_PATH,
        )


class SpendCapReachedError(GatewayError):
    """402: the live calls of the period have reached the organisation's spend cap. Raising or
    removing the cap (``PATCH /v1/billing/settings``, the portal) lifts it within 5 s."""

    status = 402
    code = "spend_cap_reached"
    title = "Spend cap reached"

    @classmethod
    def from_result(cls, result) -> "SpendCapReachedError":
        cap, currency = result.spend_cap_amount or 0, result.currency
        reached = spend_cap_amount_reached(result)
        of_what = "the period's total" if result.spend_cap_kind == "total" else "overage"
        return cls(
            f"The spend cap of {money_text(cap, currency)} on {of_what} is reached "
            f"({money_text(reached, currency)} this period, {result.period_calls:,} calls): live "
            f"calls are refused until the period ends on {result.period_end:%Y-%m-%d}. Raise or "
            f"remove the cap with {BILLING_SETTINGS_ROUTE} (spend_cap) or on the portal's "
            f"billing page ({PORTAL_BILLING_PATH}); sandbox calls are not affected.",
            headers=result.headers(),
            spend_cap={"amount": cap, "kind": result.spend_cap_kind, "currency": currency},
            amount_reached=reached,
            currency=currency,
            period_calls=result.period_calls,
            period_end=result.period_end.isoformat().replace("+00:00", "Z"),
            settings_route=BILLING_SETTINGS_ROUTE,
            portal_path=PORTAL_BILLING_PATH,
            plan=result.plan_code,
        )


def spend_cap_amount_reached(result) -> int:
    """What the period's live calls have cost by the gateway's counter, in minor units: the
    overage (``overage_calls x unit price``, rounded half up) for an ``overage`` cap; for a
    ``total`` cap, the cap less what its call allowance still leaves (the gateway does not hold
    the period's fixed charges; exact to less than one call's price), never below the cap."""
    unit = Decimal(result.overage_unit_price or 0)
    calls = result.period_calls or 0
    cap = result.spend_cap_amount or 0
    if result.spend_cap_kind == "total":
        left = Decimal((result.spend_cap_calls or 0) - calls) * unit
        return max(cap, int((Decimal(cap) - left).to_integral_value(ROUND_HALF_UP)))
    overage = Decimal(max(0, calls - (result.included_calls or 0))) * unit
    return int(overage.to_integral_value(ROUND_HALF_UP))
