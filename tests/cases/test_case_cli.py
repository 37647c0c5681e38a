"""``moneytrail user | case | audit`` end to end, on a real workspace and on both database
systems (``--cases-url``): evidence frozen as added, refusals exit 4 and are audited, the
case store beside the workspace is protected like the workspace itself."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path
from typing import Any

import pytest

from moneytrail.api import Workspace
from tests.conftest import REPO

SAMPLES = REPO / "src" / "moneytrail" / "samples"
PHONE = "+223 76 12 34 56"
PASSWORDS = {
    "fatou": "fatou : une longue phrase",
    "awa": "awa : une autre phrase",
    "moussa": "moussa : encore une phrase",
    "aminata": "aminata : lectrice seulement",
}


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped mobile-money and bank samples, with the typology rules run."""
    folder = tmp_path_factory.mktemp("cases-ws") / "enquete"
    with Workspace.init(folder) as ws:
        ws.ingest(
            [SAMPLES / "releve_bdm_2024-03.camt053.xml", SAMPLES / "orange_money_2024-03.csv"]
        )
        ws.rules.run()
    return folder


class Team:
    """Runs the CLI as one member of the unit or another."""

    def __init__(self, cli: Any, monkeypatch: pytest.MonkeyPatch, ws: Path, url: str) -> None:
        self.cli, self.monkeypatch, self.common = (
            cli,
            monkeypatch,
            ["-w", str(ws), "--cases-url", url],
        )

    def as_(self, login: str, *args: str, json: bool = True) -> Any:
        self.monkeypatch.setenv("MONEYTRAIL_USER", login)
        self.monkeypatch.setenv("MONEYTRAIL_PASSWORD", PASSWORDS[login])
        return self.cli("--lang", "en", *args, *self.common, *(["--json"] if json else []))

    def add_user(self, by: str | None, login: str, role: str, name: str) -> Any:
        self.monkeypatch.setenv("MONEYTRAIL_NEW_PASSWORD", PASSWORDS[login])
        if by is None:
            self.monkeypatch.delenv("MONEYTRAIL_USER", raising=False)
            return self.cli("user", "add", login, "--role", role, "--name", name, *self.common)
        return self.as_(by, "user", "add", login, "--role", role, "--name", name)


@pytest.fixture
def team(cli: Any, monkeypatch: pytest.MonkeyPatch, workspace: Path, store_url: str) -> Team:
    team = Team(cli, monkeypatch, workspace, store_url)
    assert team.add_user(None, "fatou", "head", "Fatou Keïta").code == 0
    for login, role, name in [
        ("awa", "analyst", "Awa Traoré"),
        ("moussa", "supervisor", "Moussa Diarra"),
        ("aminata", "reviewer", "أمينة كوليبالي"),
    ]:
        assert team.add_user("fatou", login, role, name).code == 0
    return team


def test_a_case_worked_from_the_command_line(team: Team, workspace: Path) -> None:
    case = team.as_("awa", "case", "new", "Collecte Tombouctou", "--summary", "Dépôts à Gao").json()
    ref = case["ref"]
    alert = team.cli("alerts", "list", "-w", str(workspace), "--json").json()[0]
    for option, value in [
        ("--alert", alert["id"][:8]),
        ("--trace", PHONE),
        ("--picture", PHONE),
        ("--subject", PHONE),
    ]:
        added = team.as_("awa", "case", "add", ref, option, value)
        assert added.code == 0, added.err
    with Workspace.open(workspace, read_only=True) as ws:
        source = ws.info().sources[1]["id"]
    assert team.as_("awa", "case", "add", ref, "--source", f"{source[:16]}:2").code == 0
    assert team.as_("awa", "case", "note", ref, "Retraits à Gao — محمد").code == 0
    assert team.as_("awa", "case", "task", ref, "Relevés BDM", "--due", "2026-12-31").code == 0
    for step in ("in_analysis", "proposed"):
        assert team.as_("awa", "case", "status", ref, step).code == 0
    approved = team.as_("moussa", "case", "status", ref, "disseminated", "--reason", "RD 117")
    assert approved.code == 0 and approved.json()["approved_by"] == "moussa"

    shown = team.as_("awa", "case", "show", ref).json()
    kinds = [e["kind"] for e in shown["evidence"]]
    assert kinds == ["alert", "trace", "picture", "source_row"]
    alert_item, trace_item, picture, row = shown["evidence"]
    assert alert_item["payload"]["id"] == alert["id"] and alert_item["payload"]["transaction_list"]
    assert trace_item["payload"]["settings"] and trace_item["provenance"]["code_version"]
    assert picture["media_type"] == "image/png" and picture["attachment_sha256"]
    assert row["payload"]["records"]["transactions"][0]["id"]
    for item in shown["evidence"]:  # the stored payload is what its hash says
        text = __import__("json").dumps(
            item["payload"], sort_keys=True, ensure_ascii=False, separators=(",", ":")
        )
        assert hashlib.sha256(text.encode()).hexdigest() == item["payload_sha256"]
    assert shown["subjects"][0]["kind"] == "account" and shown["notes"][0]["text"].endswith("محمد")

    trail = team.as_("moussa", "audit", "show", "--case", ref).json()["entries"]
    assert [e["action"] for e in trail][:2] == ["case.create", "case.add_evidence"]
    assert {"case.read", "case.disseminate"} <= {e["action"] for e in trail}


def test_refusals_exit_4_and_are_in_the_trail(team: Team) -> None:
    ref = team.as_("awa", "case", "new", "Besoin d'en connaître").json()["ref"]
    refused = team.as_("aminata", "case", "show", ref, json=False)
    assert refused.code == 4 and "not a member" in refused.err
    assert team.as_("aminata", "case", "list").json()["cases"] == []
    assert team.as_("awa", "user", "list", json=False).code == 4
    assert team.as_("awa", "case", "show", "D-1999-0042", json=False).code == 2
    team.monkeypatch.setenv("MONEYTRAIL_PASSWORD", "pas le bon")
    wrong = team.cli("case", "list", "--as", "awa", *team.common)
    assert wrong.code == 4
    assert team.as_("moussa", "case", "assign", ref, "aminata").code == 0
    assert team.as_("aminata", "case", "show", ref).json()["members"] == ["aminata", "awa"]
    trail = team.as_("moussa", "audit", "show", "--case", ref).json()["entries"]
    denied = [(e["actor"], e["action"]) for e in trail if e["outcome"] == "denied"]
    assert denied == [("aminata", "case.read")]


def test_checkpoints_signed_exported_and_verified(team: Team, tmp_path: Path) -> None:
    team.monkeypatch.setenv("MONEYTRAIL_AUDIT_KEY", str(tmp_path / "cle" / "audit.key"))
    (tmp_path / "cle").mkdir()
    assert team.as_("moussa", "audit", "checkpoint", json=False).code == 4  # head only
    no_key = team.as_("fatou", "audit", "checkpoint", json=False)
    assert no_key.code == 2 and "audit key --generate" in no_key.err
    assert team.as_("fatou", "audit", "key", "--generate").code == 0
    team.as_("awa", "case", "new", "Signé")
    export = tmp_path / "points.json"
    done = team.as_("fatou", "audit", "checkpoint", "--export", str(export)).json()
    assert done["signed"] >= 1 and export.is_file()
    assert base64.b64decode(__import__("json").loads(export.read_text())["public_key"])
    report = team.as_("aminata", "audit", "verify", "--trusted", str(export))
    assert report.code == 0 and report.json()["ok"] and report.json()["covered_to"] >= 1


def test_the_case_store_is_never_an_output(workspace: Path, cli: Any) -> None:
    store = workspace / "cases.sqlite"
    store.touch()
    before = store.read_bytes()
    refused = cli("export", "ftm", "-w", str(workspace), str(store))
    assert refused.code == 2 and store.read_bytes() == before
