"""Fixtures of the billing pages' tests: the data pages' personas and clients, an invoice of the
tenant (and of another tenant) closed from the ledger by billing's own services, and a snapshot
of everything billing stores for an organisation (to assert that a refusal changed nothing)."""

import pytest

from billing.models import BillingAdjustment, Invoice, Subscription
from portal.tests.pages.conftest import persona, portal_client  # noqa: F401 - fixtures


def billing_snapshot(organisation) -> tuple:
    subscription = Subscription.objects.filter(organisation_id=organisation.pk).values().first()
    subscription.pop("updated_at", None)
    organisation.refresh_from_db(fields=["plan"])
    return (
        organisation.plan_id,
        subscription,
        sorted(
            BillingAdjustment.objects.filter(organisation_id=organisation.pk).values_list(
                "pk", "amount", "invoice_id"
            )
        ),
        sorted(
            Invoice.objects.filter(organisation_id=organisation.pk).values_list(
                "pk", "status", "total", "amount_paid"
            )
        ),
    )


def invoice_for(organisation, calls: int = 150_000) -> Invoice:
    """November 2026 closed for ``organisation`` (on its plan) with ``calls`` billable calls."""
    from billing.services import invoice_close_period
    from billing.tests.support import AFTER_NOV, NOV, ledger_add, subscription_in_period

    subscription_in_period(organisation)
    ledger_add(organisation, calls)
    return invoice_close_period(organisation=organisation, period_start=NOV, now=AFTER_NOV)


@pytest.fixture
def invoice(tenant):
    return invoice_for(tenant)


@pytest.fixture
def other_invoice(other_tenant):
    return invoice_for(other_tenant, calls=10)
