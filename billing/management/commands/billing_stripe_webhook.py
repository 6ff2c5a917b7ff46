"""``manage.py billing_stripe_webhook``: the WebhookEndpoint row that receives Stripe's webhooks,
made (or updated) from settings, and the URL to register at Stripe."""

from django.core.management.base import BaseCommand, CommandError

from billing.stripe.webhooks import WEBHOOK_EVENTS, stripe_webhook_endpoint_ensure


class Command(BaseCommand):
    help = (
        "Create or update the Stripe webhook endpoint row from STRIPE_WEBHOOK_SECRET "
        "(and STRIPE_WEBHOOK_UUID, STRIPE_WEBHOOK_ENDPOINT_ID) and print its URL."
    )

    def add_arguments(self, parser):
        parser.add_argument("--secret", help="The endpoint's signing secret (whsec_…).")
        parser.add_argument("--uuid", help="The path's uuid (default: kept, or generated).")
        parser.add_argument("--url", default="", help="The public URL (default: BASE_DOMAIN).")

    def handle(self, *args, secret=None, uuid=None, url="", **options):
        try:
            endpoint = stripe_webhook_endpoint_ensure(secret=secret, uuid=uuid, url=url)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Stripe webhook endpoint {endpoint.id}: {endpoint.url}")
        self.stdout.write(f"Path: /stripe/webhook/{endpoint.djstripe_uuid}/")
        self.stdout.write("Events to enable at Stripe: " + ", ".join(WEBHOOK_EVENTS))
