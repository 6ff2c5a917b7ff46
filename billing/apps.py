from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = "Billing"

    def ready(self):
        # dj-stripe's webhook signals → our services, and the Stripe/dunning Celery tasks
        # (autodiscovery only finds billing.tasks). Importing them calls no Stripe API.
        from billing.stripe import tasks, webhooks  # noqa: F401
        from billing.stripe.client import stripe_is_configured, stripe_library_configure
        from billing.stripe.sync import stripe_billing_event_consume
        from events.dispatch import event_consumer_register

        # Subscription changes (billing's own events) are mirrored at Stripe when it bills them.
        event_consumer_register("stripe", stripe_billing_event_consume)
        if stripe_is_configured():
            stripe_library_configure()
