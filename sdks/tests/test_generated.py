"""The committed SDKs are what ``make sdks`` generates: the exported OpenAPI document is the one
the code describes now, and every language's generated folder equals a fresh generation from it
(a changed route without ``make sdks`` fails here)."""

import json
import re
import tomllib
from pathlib import Path

import pytest

from api.management.commands.openapi_export import openapi_document, openapi_json
from scripts.sdks import DOCUMENT, GENERATED, LANGUAGES, SDKS, check, differences


def test_the_committed_document_is_a_fresh_export():
    # given / when
    fresh = openapi_json(openapi_document())

    # then
    assert DOCUMENT.read_text() == fresh, "sdks/openapi.json is stale: run `make sdks`"


def test_every_language_has_its_generated_folder():
    for language in LANGUAGES:
        folder = SDKS / GENERATED[language]
        assert folder.is_dir() and any(folder.iterdir()), f"{folder} is missing: run `make sdks`"


@pytest.mark.slow
def test_the_committed_generated_code_is_a_fresh_generation():
    # when: every generator runs again into a temporary folder
    problems = check(list(LANGUAGES), export=False)

    # then
    assert problems == [], "\n".join(problems[:50])


def test_differences_sees_a_changed_a_missing_and_an_extra_file(tmp_path):
    # given: two trees that differ in each way
    left, right = tmp_path / "left", tmp_path / "right"
    for root in (left, right):
        (root / "sub").mkdir(parents=True)
        (root / "same.txt").write_text("same")
    (left / "sub" / "changed.txt").write_text("one")
    (right / "sub" / "changed.txt").write_text("two")
    (left / "committed-only.txt").write_text("x")
    (right / "sub" / "generated-only.txt").write_text("x")

    # when
    found = differences(left, right)

    # then
    assert sorted(found) == [
        "committed-only.txt (only committed)",
        "sub/changed.txt (differs)",
        "sub/generated-only.txt (only generated)",
    ]


def _manifest_versions() -> dict[str, str]:
    python = tomllib.loads((SDKS / "python" / "pyproject.toml").read_text())["project"]["version"]
    typescript = json.loads((SDKS / "typescript" / "package.json").read_text())["version"]
    versions = {"python": python, "typescript": typescript}
    patterns = {
        "python (module)": (SDKS / "python/openchance/_version.py", r'VERSION = "([^"]+)"'),
        "go": (SDKS / "go/version.go", r'Version = "([^"]+)"'),
        "ruby": (SDKS / "ruby/lib/openchance/version.rb", r'VERSION = "([^"]+)"'),
        "php": (SDKS / "php/src/Version.php", r"VERSION = '([^']+)'"),
        "java": (SDKS / "java/pom.xml", r"<artifactId>openchance</artifactId>\s*<version>([^<]+)"),
    }
    for name, (path, pattern) in patterns.items():
        if path.exists():
            match = re.search(pattern, path.read_text())
            versions[name] = match.group(1) if match else "(no version found)"
    return versions


def test_every_package_has_the_api_documents_version():
    # given
    api_version = json.loads(Path(DOCUMENT).read_text())["info"]["version"]

    # when
    versions = _manifest_versions()

    # then
    assert versions and set(versions.values()) == {api_version}, versions
