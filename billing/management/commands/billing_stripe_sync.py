"""``manage.py billing_stripe_sync``: move organisations to Stripe billing (once keys are set):
provider ``stripe``, a Stripe customer each, a Stripe subscription for each paid plan."""

from django.core.management.base import BaseCommand, CommandError

from billing.models import Subscription
from billing.stripe.client import StripeUnavailableError, stripe_is_configured
from billing.stripe.provider import stripe_billing_enable


class Command(BaseCommand):
    help = "Bill organisations through Stripe: customers and subscriptions made at Stripe."

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", help="Organisations (default: every one).")

    def handle(self, *args, slugs=(), **options):
        if not stripe_is_configured():
            raise CommandError("No Stripe secret key for this mode (STRIPE_TEST_SECRET_KEY).")
        subscriptions = Subscription.objects.select_related("organisation").order_by("pk")
        if slugs:
            subscriptions = subscriptions.filter(organisation__slug__in=slugs)
        failed = 0
        for subscription in subscriptions:
            try:
                subscription = stripe_billing_enable(subscription=subscription)
            except StripeUnavailableError as error:
                failed += 1
                self.stderr.write(f"{subscription.organisation.slug}: {error}")
                continue
            self.stdout.write(
                f"{subscription.organisation.slug}: customer {subscription.stripe_customer_id}"
                f", subscription {subscription.stripe_subscription_id or '-'}"
            )
        if failed:
            raise CommandError(f"{failed} organisation(s) not synced: run it again.")
