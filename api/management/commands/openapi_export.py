"""``manage.py openapi_export``: write the /v1 OpenAPI document to a file (or stdout) without a
running server — the input of ``make sdks`` (``scripts/sdks.py``).

The document is the one ``/v1/openapi.json`` serves (``api.v1.docs.OpenApiView``: the same
URLconf, generator and post-processing hooks), written with sorted keys and a final newline so
that the same code always exports byte-identical JSON.
"""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand
from drf_spectacular.generators import SchemaGenerator

from api.v1.docs import SCHEMA_URLCONF


def openapi_document() -> dict:
    """The document as ``/v1/openapi.json`` serves it (the same for every host and caller)."""
    return SchemaGenerator(urlconf=SCHEMA_URLCONF).get_schema(request=None, public=True)


def openapi_json(document: dict) -> str:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


class Command(BaseCommand):
    help = "Write the /v1 OpenAPI document (JSON) to a file, or to stdout with '-'."

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", default="-", help="A path, or '-' for stdout.")

    def handle(self, *args, output: str, **options):
        text = openapi_json(openapi_document())
        if output == "-":
            sys.stdout.write(text)
            return
        path = Path(output)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        self.stderr.write(f"Wrote {path} ({len(text):,} bytes)")
