"""``manage.py usage_quarantine_replay [--id ID ...]``: fold quarantined usage records again.

Run it after fixing what made them fail (a migrated schema, a deployed fix); entries that are
folded leave the quarantine, the others stay with their new error (``metering.services``).
"""

from django.core.management.base import BaseCommand

from metering.services import usage_quarantine_replay


class Command(BaseCommand):
    help = "Fold quarantined usage records again; remove those that succeed (exactly once)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--id",
            dest="ids",
            type=int,
            action="append",
            help="Replay only this quarantine entry (repeatable); default: every entry.",
        )

    def handle(self, *args, **options):
        result = usage_quarantine_replay(ids=options["ids"])
        self.stdout.write(
            f"replayed {result.replayed} records; {len(result.failed)} still quarantined"
            + (f" (ids {', '.join(map(str, result.failed))})" if result.failed else "")
        )
