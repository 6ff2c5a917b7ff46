"""``make schema``: write the GraphQL SDL to ``schema.graphql`` at the repository root.

``python -m api.graphql.export`` writes it; ``--check`` compares instead (exit 1 when it differs).
``api/graphql/tests/test_schema_file.py`` fails when the file is stale, and when its SHA-256 is
not recorded in API-CHANGELOG.md (``<!-- schema.graphql sha256=… -->`` under the entry that
describes the change), so the SDL never changes without a changelog entry.
"""

import hashlib
import os
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent
SCHEMA_FILE = BASE_DIR / "schema.graphql"
CHANGELOG = BASE_DIR / "API-CHANGELOG.md"


def schema_sdl() -> str:
    from api.graphql.schema import schema

    return schema.as_str() + "\n"


def sdl_fingerprint(sdl: str) -> str:
    return hashlib.sha256(sdl.encode()).hexdigest()


def changelog_marker(sdl: str) -> str:
    return f"<!-- schema.graphql sha256={sdl_fingerprint(sdl)} -->"


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openchance.settings")
    import django

    django.setup()
    sdl = schema_sdl()
    if "--check" in argv:
        current = SCHEMA_FILE.read_text() if SCHEMA_FILE.exists() else ""
        if current != sdl:
            print("schema.graphql is stale: run `make schema`.")
            return 1
        print("schema.graphql is current.")
        return 0
    SCHEMA_FILE.write_text(sdl)
    marker = changelog_marker(sdl)
    print(f"wrote {SCHEMA_FILE.name} ({len(sdl):,} bytes)")
    if marker not in CHANGELOG.read_text():
        print(f"Describe the change in API-CHANGELOG.md and add this line to its entry:\n{marker}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
