"""Payment providers: who collects an invoice once billing has issued it.

Billing rates and issues invoices itself (the ledger is the rater); a provider only collects.
``payment_provider(subscription)`` returns the provider of a subscription's ``provider`` field,
loaded by dotted path from ``settings.BILLING_PROVIDERS`` (``{"manual": "billing.providers.
ManualProvider", "stripe": "billing.stripe.provider.StripeProvider"}`` by default), so billing
never imports the Stripe package at import time and works offline with the manual provider.

- ``ManualProvider`` (the default, and what a subscription without Stripe uses): nothing leaves
  the platform. Invoices are issued here and an operator marks them paid in the admin
  (``invoice_mark_paid``), e.g. after a bank transfer.
- ``StripeProvider`` (``billing.stripe``): a Stripe customer per organisation, the invoice's lines
  as invoice items, the invoice finalised and paid at Stripe; webhooks report back.

``invoice_collect`` is called with ``transaction.on_commit`` after an invoice is finalised, so a
provider never sees an invoice that was rolled back, and a provider's outage never undoes one.
"""

from functools import cache
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

DEFAULT_PROVIDERS = {
    "manual": "billing.providers.ManualProvider",
    "stripe": "billing.stripe.provider.StripeProvider",
}


class PaymentProvider(Protocol):
    name: str

    def customer_ensure(self, *, subscription) -> None:
        """Make sure the provider knows the organisation as a customer (idempotent)."""

    def invoice_collect(self, *, invoice) -> None:
        """Collect a finalised invoice's amount due (called on commit; idempotent)."""

    def subscription_sync(self, *, subscription) -> None:
        """Mirror a subscription's plan and state at the provider (idempotent)."""


class ManualProvider:
    """Invoices are collected by hand: an operator marks them paid (see module)."""

    name = "manual"

    def customer_ensure(self, *, subscription) -> None:
        return None

    def invoice_collect(self, *, invoice) -> None:
        return None

    def subscription_sync(self, *, subscription) -> None:
        return None

    def invoice_void(self, *, invoice) -> None:
        return None


@cache
def _provider_load(path: str):
    return import_string(path)()


def payment_provider(subscription) -> PaymentProvider:
    """The provider of ``subscription`` (``subscription.provider``; manual when unknown)."""
    paths = {**DEFAULT_PROVIDERS, **getattr(settings, "BILLING_PROVIDERS", {})}
    path = paths.get(getattr(subscription, "provider", "manual"), paths["manual"])
    return _provider_load(path)


def payment_provider_cache_clear() -> None:
    _provider_load.cache_clear()
