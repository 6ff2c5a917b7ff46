from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = "Billing"

    def ready(self):
        # dj-stripe's webhook signals → our services, and the Stripe/dunning Celery tasks
        # (autodiscovery only finds billing.tasks). Importing them calls no Stripe API.
        from billing.stripe import tasks, webhooks  # noqa: F401
