"""Gateway errors: rendered as problem+json by ``api.exceptions`` (``extra`` merged into the body,
``headers`` added to the response) and mapped to close codes by the WebSocket stream."""

from billing.selectors import plan_limit_text, plan_that_lifts
from core.errors import DomainError


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
    def from_result(result) -> "LimitExceededError":
        """The 429 for a refused ``LimitResult``, naming the public plan that lifts the limit."""
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
