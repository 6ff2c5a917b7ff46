"""Copy the pinned front-end libraries from node_modules/ into static/vendor/, with a manifest.

The portal serves only committed files (no CDN, no npm at run time). To upgrade a library, change
its version in package.json, then:

    npm install --ignore-scripts      # updates package-lock.json and node_modules/
    .venv/bin/python scripts/vendor_assets.py
    git add package.json package-lock.json static/vendor/

``static/vendor/MANIFEST.json`` records, for every vendored file, the npm package, its version
(from package-lock.json, which pins the exact tarball and its integrity hash), the file's path
inside the package and its SHA-256; ``portal/tests/test_vendor_assets.py`` checks that the files
match it. ``--check`` verifies without writing (exit 1 on a mismatch).
"""

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
VENDOR_DIR = BASE_DIR / "static" / "vendor"
MANIFEST = VENDOR_DIR / "MANIFEST.json"
LOCK_FILE = BASE_DIR / "package-lock.json"
NODE_MODULES = BASE_DIR / "node_modules"

# (npm package, file inside the package, name under static/vendor/)
ASSETS = (
    ("htmx.org", "dist/htmx.min.js", "htmx.min.js"),
    ("htmx.org", "LICENSE", "htmx.LICENSE.txt"),
    ("chart.js", "dist/chart.umd.min.js", "chart.umd.min.js"),
    ("chart.js", "LICENSE.md", "chart.js.LICENSE.md"),
    # GraphiQL at /v1/graphql (templates/graphql/graphiql.html): its UMD build (3.8.3 is the
    # last with one) and the React 18.2 UMD builds it runs on.
    ("graphiql", "graphiql.min.js", "graphiql.min.js"),
    ("graphiql", "graphiql.min.css", "graphiql.min.css"),
    ("graphiql", "LICENSE", "graphiql.LICENSE.txt"),
    ("react", "umd/react.production.min.js", "react.production.min.js"),
    ("react", "LICENSE", "react.LICENSE.txt"),
    ("react-dom", "umd/react-dom.production.min.js", "react-dom.production.min.js"),
    ("react-dom", "LICENSE", "react-dom.LICENSE.txt"),
    # axe-core: injected into pages by portal/tests/test_accessibility.py only, never linked
    # from a page.
    ("axe-core", "axe.min.js", "axe.min.js"),
    ("axe-core", "LICENSE", "axe-core.LICENSE.txt"),
)


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def locked_versions() -> dict[str, str]:
    lock = json.loads(LOCK_FILE.read_text())
    return {
        name.removeprefix("node_modules/"): entry["version"]
        for name, entry in lock.get("packages", {}).items()
        if name.startswith("node_modules/")
    }


def installed_version(package: str) -> str | None:
    package_json = NODE_MODULES / package / "package.json"
    if not package_json.exists():
        return None
    return json.loads(package_json.read_text())["version"]


def manifest_build() -> list[dict]:
    versions = locked_versions()
    entries = []
    for package, source, name in ASSETS:
        version = versions[package]
        if installed_version(package) != version:
            sys.exit(
                f"node_modules/{package} is not the locked {version}: "
                "run `npm ci --ignore-scripts` first."
            )
        target = VENDOR_DIR / name
        shutil.copyfile(NODE_MODULES / package / source, target)
        entries.append(
            {
                "package": package,
                "version": version,
                "source": source,
                "file": name,
                "sha256": sha256_of(target),
            }
        )
    return entries


def manifest_check() -> list[str]:
    """Mismatches between MANIFEST.json, the files and package-lock.json (empty: all good)."""
    problems = []
    entries = json.loads(MANIFEST.read_text())["files"]
    versions = locked_versions()
    listed = set()
    for entry in entries:
        path = VENDOR_DIR / entry["file"]
        listed.add(entry["file"])
        if not path.exists():
            problems.append(f"{entry['file']}: missing")
        elif sha256_of(path) != entry["sha256"]:
            problems.append(f"{entry['file']}: sha256 differs from the manifest")
        if versions.get(entry["package"]) != entry["version"]:
            problems.append(
                f"{entry['file']}: {entry['package']} {entry['version']} is not the version in "
                f"package-lock.json ({versions.get(entry['package'])})"
            )
    for path in VENDOR_DIR.iterdir():
        if path.name != MANIFEST.name and path.name not in listed:
            problems.append(f"{path.name}: not in the manifest")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="verify only")
    args = parser.parse_args()
    if args.check:
        problems = manifest_check()
        print("\n".join(problems) or "static/vendor matches MANIFEST.json")
        sys.exit(1 if problems else 0)
    if not NODE_MODULES.exists():
        subprocess.run(["npm", "ci", "--ignore-scripts"], cwd=BASE_DIR, check=True)  # noqa: S607
    VENDOR_DIR.mkdir(parents=True, exist_ok=True)
    entries = manifest_build()
    MANIFEST.write_text(json.dumps({"files": entries}, indent=2) + "\n")
    for entry in entries:
        print(f"{entry['file']}: {entry['package']} {entry['version']} {entry['sha256'][:12]}…")


if __name__ == "__main__":
    main()
