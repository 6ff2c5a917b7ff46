"""The vendored front-end files are exactly what static/vendor/MANIFEST.json and
package-lock.json say (scripts/vendor_assets.py wrote them; nothing is fetched at run time)."""

import hashlib
import json
from pathlib import Path

from scripts.vendor_assets import ASSETS, LOCK_FILE, MANIFEST, VENDOR_DIR, manifest_check

BASE_DIR = Path(__file__).resolve().parents[2]


def test_the_manifest_matches_the_files_and_the_lock_file():
    assert manifest_check() == []


def test_every_file_of_the_manifest_has_the_recorded_checksum():
    entries = json.loads(MANIFEST.read_text())["files"]

    assert {entry["file"] for entry in entries} == {name for _, _, name in ASSETS}
    for entry in entries:
        digest = hashlib.sha256((VENDOR_DIR / entry["file"]).read_bytes()).hexdigest()
        assert digest == entry["sha256"], entry["file"]


def test_the_pinned_majors_are_htmx_2_and_chartjs_4():
    package = json.loads((BASE_DIR / "package.json").read_text())["dependencies"]
    locked = json.loads(LOCK_FILE.read_text())["packages"]

    assert package["htmx.org"].startswith("2.")
    assert package["chart.js"].startswith("4.")
    assert locked["node_modules/htmx.org"]["version"] == package["htmx.org"]
    assert locked["node_modules/chart.js"]["version"] == package["chart.js"]


def test_a_changed_file_is_reported(tmp_path, monkeypatch):
    import scripts.vendor_assets as vendor_assets

    copy = tmp_path / "vendor"
    copy.mkdir()
    for path in VENDOR_DIR.iterdir():
        (copy / path.name).write_bytes(path.read_bytes())
    (copy / "htmx.min.js").write_bytes(b"tampered")
    monkeypatch.setattr(vendor_assets, "VENDOR_DIR", copy)
    monkeypatch.setattr(vendor_assets, "MANIFEST", copy / "MANIFEST.json")

    assert vendor_assets.manifest_check() == ["htmx.min.js: sha256 differs from the manifest"]
