"""The payment method in Stripe's test mode: attach one of Stripe's test cards (``pm_card_visa``…)
to the organisation's Stripe customer and make it the default — what a customer does in Stripe's
hosted pages, which this build cannot reach. The portal's payment-method page calls it.

It makes the two Stripe calls through ``billing.stripe.client.stripe_call`` (the configured key
and API host — localstripe in the tests — idempotency keys and retries), then records the payment
method with ``billing.services.subscription_payment_method_set`` and lets dunning retry what it
holds (``invoices_in_dunning_retry_now``): what billing's ``customer.updated`` webhook handler
does when Stripe reports the change, so the state is right whether or not the webhook arrives.
Test mode only: the view refuses it otherwise.
"""

from billing.models import Subscription
from billing.providers import payment_provider


class PaymentMethodError(Exception):
    """Stripe refused or could not be reached: the message says what to do."""


def stripe_configured() -> bool:
    from billing.stripe.client import stripe_is_configured

    return stripe_is_configured()


def test_card_attach(*, subscription: Subscription, card: str) -> str:
    """Attach the test card ``card`` as the default payment method; returns its id."""
    import stripe

    from billing.services import subscription_payment_method_set
    from billing.services.dunning import invoices_in_dunning_retry_now
    from billing.stripe.client import StripeUnavailableError, idempotency_key, stripe_call

    try:
        customer_id = payment_provider(subscription).customer_ensure(subscription=subscription)
        method = stripe_call(
            stripe.PaymentMethod.attach,
            card,
            customer=customer_id,
            idempotency_key=idempotency_key(subscription.public_id, "attach", card, customer_id),
        )
        stripe_call(
            stripe.Customer.modify,
            customer_id,
            invoice_settings={"default_payment_method": method.id},
            idempotency_key=idempotency_key(subscription.public_id, "default-pm", method.id),
        )
    except StripeUnavailableError as error:
        raise PaymentMethodError(
            f"Stripe could not be reached; try again shortly. ({error})"
        ) from error
    except stripe.StripeError as error:
        raise PaymentMethodError(
            f"Stripe refused the card: {error.user_message or error.__class__.__name__}."
        ) from error
    subscription_payment_method_set(organisation=subscription.organisation, has_payment_method=True)
    invoices_in_dunning_retry_now(organisation=subscription.organisation)
    return method.id
