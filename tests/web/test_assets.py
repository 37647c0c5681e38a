"""Every file the workbench serves is in the package: vendored with its version, licence and
SHA-256 (manifest.json), and no page refers to anything outside the app (no CDN)."""

from __future__ import annotations

import hashlib
import json
import re
from importlib import resources
from pathlib import Path

from fastapi.testclient import TestClient

from tests.web.conftest import sign_in

VENDOR = Path(str(resources.files("moneytrail.web") / "static" / "vendor"))
TEMPLATES = Path(str(resources.files("moneytrail.web") / "templates"))


def test_manifest_lists_every_vendored_file_with_its_hash_and_licence() -> None:
    manifest = json.loads((VENDOR / "manifest.json").read_text("utf-8"))
    listed = set()
    for asset in manifest["assets"]:
        data = (VENDOR / asset["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == asset["sha256"], asset["file"]
        assert asset["version"] in asset["file"]
        assert asset["licence"] in {"MIT", "0BSD", "BSD-3-Clause", "Apache-2.0", "ISC"}
        assert (VENDOR / asset["licence_file"]).read_text("utf-8").strip()
        listed |= {asset["file"], asset["licence_file"]}
    present = {p.name for p in VENDOR.iterdir()} - {"manifest.json"}
    assert present == listed, f"unlisted: {present - listed}, missing: {listed - present}"


def test_templates_load_nothing_from_elsewhere() -> None:
    remote = re.compile(r"""(src|href)\s*=\s*["'](https?:)?//""", re.IGNORECASE)
    for template in TEMPLATES.glob("*.html"):
        text = template.read_text("utf-8")
        assert not remote.search(text), template.name
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), f"inline script: {template}"


def test_assets_are_served_with_their_licences(client: TestClient) -> None:
    sign_in(client, "awa")
    for name in ("htmx-2.0.11.min.js", "cytoscape-3.34.4.min.js", "plotly-4.1.2.min.js"):
        answer = client.get(f"/static/vendor/{name}")
        assert answer.status_code == 200
        assert len(answer.content) > 10_000
    assert client.get("/static/vendor/manifest.json").json()["assets"]
