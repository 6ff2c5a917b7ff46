"""``manage.py usage_flush [--batch-size N]``: fold buffered usage into PostgreSQL now.

The beat task does this every few seconds; the command is for operators and tests.
"""

from django.core.management.base import BaseCommand

from metering.services import usage_flush


class Command(BaseCommand):
    help = "Flush metered API calls from the Redis buffer into PostgreSQL (exactly once)."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args, **options):
        result = usage_flush(batch_size=options["batch_size"])
        self.stdout.write(
            f"flushed {result.records} records in {result.batches} batches"
            f" ({result.quarantined} quarantined)"
        )
