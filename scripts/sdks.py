"""Regenerate every SDK's generated core from the exported OpenAPI document (``make sdks``).

    python scripts/sdks.py            export sdks/openapi.json, regenerate every language
    python scripts/sdks.py --check    regenerate into a temporary folder and compare with what is
                                      committed (exit 1 and list the differences; writes nothing)
    python scripts/sdks.py --no-export   regenerate from the committed sdks/openapi.json

The document comes from ``manage.py openapi_export`` (no running server). The generators are
pinned: openapi-python-client and openapi-generator-cli (its PyPI wheel bundles the jar) in
requirements-dev.txt, @hey-api/openapi-ts in sdks/typescript/package.json (+ lock file, installed
with ``npm ci`` when missing). Every generator writes into a temporary folder; the driver then
drops what is not part of an SDK (CI files, git_push.sh, copies of the document) and replaces
each language's generated folder wholesale, so a removed operation leaves no stale file. Output
is deterministic: no generator is given a timestamp (openapi-generator's
``hideGenerationTimestamp``), and the result does not depend on the folder it was generated in.

Only the generated folders below are written; the hand-written layer around them is not touched.
"""

import argparse
import filecmp
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SDKS = BASE_DIR / "sdks"
DOCUMENT = SDKS / "openapi.json"
VENV_BIN = Path(sys.executable).parent

# language → the folder (under sdks/) the generator's output replaces.
GENERATED = {
    "python": "python/openchance_api",
    "typescript": "typescript/src/generated",
    "go": "go/api",
    "ruby": "ruby/generated",
    "php": "php/generated",
    "java": "java/generated",
    "csharp": "csharp/generated",
}
LANGUAGES = tuple(GENERATED)

# Files the generators add that no SDK ships (CI configs, push scripts, copies of the document).
DROPPED = {
    ".travis.yml",
    ".gitlab-ci.yml",
    ".gitignore",
    ".openapi-generator-ignore",
    ".rspec",
    ".rubocop.yml",
    ".php-cs-fixer.dist.php",
    "git_push.sh",
    "openapi.yaml",
    "build.sbt",
    "gradlew",
    "gradlew.bat",
    "appveyor.yml",
}
DROPPED_DIRS = {".github", "gradle", "spec", "test", "docs"}


def _openapi_generator_config(language: str, document: Path, output: Path, version: str) -> dict:
    """One openapi-generator batch entry. Tests and docs are off: each SDK has its own README and
    is tested end to end by sdks/tests."""
    common = {"hideGenerationTimestamp": True}
    properties = {
        "go": {
            "packageName": "api",
            "packageVersion": version,
            # Its own module (github.com/openchance/openchance-go/api, needing
            # gopkg.in/validator.v2): the hand-written module above it needs nothing but the
            # standard library.
            "isGoSubmodule": True,
            "withGoMod": True,
            "enumClassPrefix": True,
            "generateInterfaces": False,
        },
        "ruby": {
            "gemName": "openchance_api",
            "moduleName": "OpenChanceApi",
            "gemVersion": version,
            "library": "faraday",
        },
        "php": {
            "invokerPackage": "OpenChance\\Api",
            "packageName": "OpenChanceApi",
            "artifactVersion": version,
            "srcBasePath": "src",
        },
        "java": {
            "library": "native",
            "groupId": "dev.openchance",
            "artifactId": "openchance-api",
            "artifactVersion": version,
            "invokerPackage": "dev.openchance.api.client",
            "apiPackage": "dev.openchance.api.client.api",
            "modelPackage": "dev.openchance.api.client.model",
            "openApiNullable": False,
            "annotationLibrary": "none",
            "dateLibrary": "java8",
        },
        "csharp": {
            "packageName": "OpenChance.Api",
            "packageVersion": version,
            "targetFramework": "net8.0",
            "library": "httpclient",
            "nullableReferenceTypes": True,
            # Fixed: the generator draws a new project GUID for every run otherwise.
            "packageGuid": "{6F1C2E0A-5B7D-4C3E-9A8B-0C1D2E3F4A5B}",
        },
    }[language]
    # Module path and import paths: github.com/openchance/openchance-<language>.
    repository = {"gitUserId": "openchance", "gitRepoId": f"openchance-{language}"}
    return {
        **repository,
        "generatorName": language,
        "inputSpec": str(document),
        "outputDir": str(output),
        "additionalProperties": common | properties,
        "globalProperties": {
            "apiTests": "false",
            "modelTests": "false",
            "apiDocs": "false",
            "modelDocs": "false",
        },
    }


def _run(command: list[str], *, cwd: Path, env: dict | None = None) -> None:
    result = subprocess.run(  # our own fixed command lines
        command,
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-6000:])
        raise SystemExit(f"failed ({result.returncode}): {' '.join(command)}")


def _env() -> dict[str, str]:
    # openapi-python-client's post-hooks call `ruff` (the pinned one, in the virtualenv).
    path = f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}"
    return {**os.environ, "PATH": path, "RUFF_NO_CACHE": "true"}


def document_export(path: Path) -> None:
    _run(
        [sys.executable, "manage.py", "openapi_export", "--output", str(path)],
        cwd=BASE_DIR,
        env=_env(),
    )


def api_version(document: Path) -> str:
    """The SDKs' version: the API document's ``info.version`` (the API changelog's line)."""
    return json.loads(document.read_text())["info"]["version"]


def _generate_python(document: Path, output: Path) -> None:
    config = output.parent / "python-config.json"
    config.write_text(json.dumps({"project_name_override": "openchance", "literal_enums": True}))
    _run(
        [
            str(VENV_BIN / "openapi-python-client"),
            "generate",
            "--path",
            str(document),
            "--output-path",
            str(output),
            "--meta",
            "none",
            "--config",
            str(config),
            "--custom-template-path",
            str(SDKS / "python-templates"),
            "--overwrite",
        ],
        cwd=output.parent,
        env=_env(),
    )


def _typescript_tools() -> Path:
    """The pinned @hey-api/openapi-ts of sdks/typescript (``npm ci`` once when absent)."""
    package = SDKS / "typescript"
    binary = package / "node_modules" / ".bin" / "openapi-ts"
    if not binary.exists():
        _run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=package)
    return binary


def _generate_typescript(document: Path, output: Path) -> None:
    _run(
        [
            str(_typescript_tools()),
            "--input",
            str(document),
            "--output",
            str(output),
            "--client",
            "@hey-api/client-fetch",
            "--no-log-file",
            "--silent",
        ],
        cwd=SDKS / "typescript",
    )


# Go's generator copies descriptions into /* … */ comments unescaped: a "*/" in the text (e.g.
# "Accept: */*") ends the comment and the package no longer compiles. Its input gets the slash as
# an HTML entity in descriptions and summaries (text only: no schema, pattern or example).
COMMENT_UNSAFE_LANGUAGES = ("go",)
TEXT_KEYS = ("description", "summary")


def _comment_safe(node):
    if isinstance(node, dict):
        return {
            key: value.replace("*/", "*&#47;")
            if key in TEXT_KEYS and isinstance(value, str)
            else _comment_safe(value)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_comment_safe(item) for item in node]
    return node


def _generate_openapi_generator(
    languages: list[str], document: Path, work: Path, version: str
) -> None:
    """All openapi-generator languages in one JVM (``batch``): one start-up instead of five."""
    safe_document = work / "openapi-comment-safe.json"
    safe_document.write_text(json.dumps(_comment_safe(json.loads(document.read_text())), indent=2))
    configs = []
    for language in languages:
        config = work / f"{language}.json"
        source = safe_document if language in COMMENT_UNSAFE_LANGUAGES else document
        config.write_text(
            json.dumps(_openapi_generator_config(language, source, work / language, version))
        )
        configs.append(str(config))
    _run(
        [str(VENV_BIN / "openapi-generator-cli"), "batch", "--fail-fast", *configs],
        cwd=work,
        env=_env(),
    )


def _prune(language: str, folder: Path) -> None:
    """Drop what no SDK ships, and anything naming the temporary folder (none do today)."""
    for cache in list(folder.rglob(".ruff_cache")):
        shutil.rmtree(cache)
    for path in sorted(folder.rglob("*"), reverse=True):
        relative = path.relative_to(folder)
        top = relative.parts[0]
        if path.is_file() and path.name in DROPPED:
            path.unlink()
        elif path.is_dir() and len(relative.parts) == 1 and top in DROPPED_DIRS:
            shutil.rmtree(path)
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()  # e.g. go's and java's api/, which held only the copy of the document
    if language == "python":
        # The generator's own README describes its layout; the SDK's README is hand-written.
        (folder / "README.md").unlink(missing_ok=True)


def generate(languages: list[str], document: Path, destination: Path) -> None:
    """Generate ``languages`` from ``document``; ``destination/<GENERATED[language]>`` each."""
    version = api_version(document)
    with tempfile.TemporaryDirectory(prefix="sdks-") as temporary:
        work = Path(temporary)
        outputs: dict[str, Path] = {}
        if "python" in languages:
            outputs["python"] = work / "python"
            _generate_python(document, outputs["python"])
        if "typescript" in languages:
            outputs["typescript"] = work / "typescript"
            _generate_typescript(document, outputs["typescript"])
        others = [language for language in languages if language not in ("python", "typescript")]
        if others:
            _generate_openapi_generator(others, document, work, version)
            outputs |= {language: work / language for language in others}
        for language, output in outputs.items():
            _prune(language, output)
            target = destination / GENERATED[language]
            if target.exists():
                shutil.rmtree(target)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copytree(output, target)


def differences(left: Path, right: Path) -> list[str]:
    """Paths (relative) that differ between two trees: missing on either side or changed."""
    found: list[str] = []

    def walk(comparison: filecmp.dircmp, prefix: str) -> None:
        found.extend(f"{prefix}{name} (only committed)" for name in comparison.left_only)
        found.extend(f"{prefix}{name} (only generated)" for name in comparison.right_only)
        _, mismatch, errors = filecmp.cmpfiles(
            comparison.left, comparison.right, comparison.common_files, shallow=False
        )
        found.extend(f"{prefix}{name} (differs)" for name in mismatch + errors)
        for name, sub in comparison.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    if not left.exists() or not right.exists():
        return [f"{left if not left.exists() else right} is missing"]
    walk(filecmp.dircmp(left, right, ignore=["__pycache__", "node_modules"]), "")
    return found


def check(languages: list[str], *, export: bool) -> list[str]:
    """What differs between the committed SDKs (and document) and a fresh generation."""
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="sdks-check-") as temporary:
        fresh = Path(temporary)
        if export:
            exported = fresh / "openapi.json"
            document_export(exported)
            if exported.read_bytes() != DOCUMENT.read_bytes():
                problems.append("sdks/openapi.json differs from a fresh export")
        generate(languages, DOCUMENT, fresh)
        for language in languages:
            problems += [
                f"sdks/{GENERATED[language]}/{path}"
                for path in differences(SDKS / GENERATED[language], fresh / GENERATED[language])
            ]
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("languages", nargs="*", help=f"some of {', '.join(LANGUAGES)} (all)")
    parser.add_argument("--check", action="store_true", help="compare, write nothing")
    parser.add_argument("--no-export", action="store_true", help="use the committed document")
    arguments = parser.parse_args()
    languages = arguments.languages or list(LANGUAGES)
    unknown = sorted(set(languages) - set(LANGUAGES))
    if unknown:
        parser.error(f"unknown languages {unknown}; choose from {', '.join(LANGUAGES)}")
    if arguments.check:
        problems = check(languages, export=not arguments.no_export)
        for problem in problems:
            print(problem)
        if problems:
            raise SystemExit("The committed SDKs differ from a fresh generation: run `make sdks`.")
        print(f"SDKs up to date: {', '.join(languages)}")
        return
    if not arguments.no_export:
        document_export(DOCUMENT)
    generate(languages, DOCUMENT, SDKS)
    print(f"Generated {', '.join(languages)} from {DOCUMENT.relative_to(BASE_DIR)}")


if __name__ == "__main__":
    main()
