"""Who may read which part of the billing account, in one place for both faces (REST
``api.v1.billing`` and GraphQL ``api.graphql.queries``).

- Usage: ``billing:read`` or the older ``usage:read``; a live key sees live and sandbox calls, a
  test key the sandbox's only.
- Invoices, the subscription and the estimate: ``billing:read`` (the caller's family check).
  Billing is the organisation's live account and the sandbox is never billed: a test key's
  invoice list is empty, any invoice is ``not_found``, and the subscription, the estimate and the
  settings are 403 ``livemode_required``. Another organisation's invoice is ``not_found``, the
  same answer as a missing or malformed id.
"""

from datetime import datetime

from api.gateway import InsufficientScopeError, KeyContext
from billing import selectors
from core.errors import DomainError, NotFoundError
from metering.selectors import usage_period_report

USAGE_SCOPES = ("billing:read", "usage:read")


class LivemodeRequiredError(DomainError):
    status = 403
    code = "livemode_required"
    title = "Live key required"


def livemode_required() -> LivemodeRequiredError:
    return LivemodeRequiredError(
        "Billing is the organisation's live account and the sandbox is never billed: use a live "
        "key (oc_live_…). Test keys see the sandbox's usage (GET /v1/usage) and no invoices."
    )


def live_required(context: KeyContext) -> None:
    """403 ``livemode_required`` for a test key (subscription, estimate, settings)."""
    if not context.livemode:
        raise livemode_required()


def usage_scope_check(context: KeyContext) -> None:
    if not any(context.has_scope(scope) for scope in USAGE_SCOPES):
        raise InsufficientScopeError(
            "This API key lacks the scope 'billing:read' (or 'usage:read').",
            required_scope="billing:read",
        )


def usage_report(context: KeyContext, *, since: datetime, until: datetime) -> dict:
    """The ledger's report of the period for the key's organisation, in the modes it may see."""
    return usage_period_report(
        organisation_id=context.organisation.pk,
        since=since,
        until=until,
        modes=("live", "test") if context.livemode else ("test",),
    )


def invoices_visible(context: KeyContext):
    """The invoices the key may list (newest period first), or None for a test key (an empty
    list, the sandbox is never billed)."""
    if not context.livemode:
        return None
    return selectors.invoices_of(context.organisation)


def _invoice_not_found(*, livemode: bool) -> NotFoundError:
    if not livemode:
        return NotFoundError(
            "No such invoice in test mode: invoices are live-mode objects (the sandbox is never "
            "billed); read them with a live key."
        )
    return NotFoundError("No such invoice.")


def invoice_for(context: KeyContext, invoice_id: str):
    """The key's organisation's invoice, or ``not_found`` (missing, malformed, another
    organisation's, or asked for with a test key: one answer)."""
    if not context.livemode:
        raise _invoice_not_found(livemode=False)
    try:
        return selectors.invoice_get(context.organisation, invoice_id)
    except NotFoundError:
        raise _invoice_not_found(livemode=True) from None


def subscription_for(context: KeyContext) -> dict:
    live_required(context)
    return selectors.subscription_as_dict(selectors.subscription_of(context.organisation))


def estimate_for(context: KeyContext) -> dict:
    live_required(context)
    return selectors.usage_cost_estimate(context.organisation)
