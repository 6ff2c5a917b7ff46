"""``manage.py billing_reconcile --period 2026-11 [--tenant SLUG]``: compare, per organisation,
the period's live calls as served (its request log), as metered (the usage ledger) and as
invoiced (the period invoice's billable calls); print a table and exit 1 on any difference.

Served vs metered proves the flush lost and doubled nothing; served billable vs metered billable
that the billable rule (live, not refused with 402/429, not 5xx, not billing's own routes) was
applied alike; metered billable vs invoiced that the invoice billed exactly the ledger.
"""

from django.core.management.base import BaseCommand, CommandError

from billing.selectors import billing_reconcile, period_parse
from tenants.selectors import tenant_get_live

COLUMNS = ("tenant", "served", "served_billable", "metered", "metered_billable", "invoiced", "")


class Command(BaseCommand):
    help = "Reconcile a period's calls: served (request logs) vs metered (ledger) vs invoiced."

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="The month, YYYY-MM (UTC).")
        parser.add_argument("--tenant", help="Only this organisation (its slug).")

    def handle(self, *args, **options):
        try:
            period_start, _ = period_parse(options["period"])
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        organisations = None
        if options["tenant"]:
            organisation = tenant_get_live(slug=options["tenant"])
            if organisation is None:
                raise CommandError(f"No organisation {options['tenant']!r}.")
            organisations = [organisation]
        rows = billing_reconcile(period_start=period_start, organisations=organisations)
        table = [COLUMNS]
        for row in rows:
            table.append(
                (
                    row.slug,
                    str(row.served),
                    str(row.served_billable),
                    str(row.metered),
                    str(row.metered_billable),
                    "-" if row.invoiced is None else str(row.invoiced),
                    "; ".join(row.differences) or "ok",
                )
            )
        widths = [max(len(line[i]) for line in table) for i in range(len(COLUMNS))]
        for line in table:
            self.stdout.write(
                "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True))
            )
        differing = [row for row in rows if row.differences]
        self.stdout.write(
            f"{options['period']}: {len(rows)} organisation(s), {len(differing)} with differences"
        )
        if differing:
            raise CommandError(
                f"{len(differing)} organisation(s) do not reconcile for {options['period']}.",
                returncode=1,
            )
