"""``manage.py billing_close_period --period 2026-11 [--tenant SLUG] [--draft]``: close a billing
period now — every organisation's, or one's — and print each invoice.

Idempotent like the beat task it stands in for: an invoice that exists is printed, not made
again. Exits 1 when a period has not ended or an organisation could not be closed.
"""

from django.core.management.base import BaseCommand, CommandError

from billing.models import Subscription
from billing.selectors import period_parse
from billing.services import invoice_close_period
from core.errors import DomainError
from tenants.selectors import tenant_get_live


class Command(BaseCommand):
    help = "Close a billing period (YYYY-MM): one invoice per organisation, exactly once."

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="The month to close, YYYY-MM (UTC).")
        parser.add_argument("--tenant", help="Only this organisation (its slug).")
        parser.add_argument(
            "--draft", action="store_true", help="Leave new invoices as drafts (not finalised)."
        )

    def handle(self, *args, **options):
        try:
            period_start, _ = period_parse(options["period"])
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        if options["tenant"]:
            organisation = tenant_get_live(slug=options["tenant"])
            if organisation is None:
                raise CommandError(f"No organisation {options['tenant']!r}.")
            organisations = [organisation]
        else:
            organisations = [
                s.organisation
                for s in Subscription.objects.select_related("organisation").order_by(
                    "organisation__slug"
                )
            ]
        failures = 0
        for organisation in organisations:
            try:
                invoice = invoice_close_period(
                    organisation=organisation,
                    period_start=period_start,
                    finalise=not options["draft"],
                )
            except DomainError as exc:
                failures += 1
                self.stderr.write(f"{organisation.slug}: {exc.code}: {exc.detail}")
                continue
            if invoice is None:
                self.stdout.write(f"{organisation.slug}: not subscribed in {options['period']}")
                continue
            self.stdout.write(
                f"{organisation.slug}: {invoice.number or invoice.public_id} {invoice.status} "
                f"{invoice.total / 100:.2f} {invoice.currency.upper()} "
                f"({invoice.calls_billable} billable calls)"
            )
        if failures:
            raise CommandError(f"{failures} organisation(s) could not be closed.", returncode=1)
