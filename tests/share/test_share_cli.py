"""``moneytrail share`` end to end between two FIUs' workspaces: keys exchanged, a case's
filter made, sealed, opened and matched, PSI in three files; each step in the case's trail."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from moneytrail.api import Workspace
from moneytrail.api.cases import CaseDesk
from tests.conftest import REPO

SAMPLES = REPO / "src" / "moneytrail" / "samples"
PASSWORD = "fatou : une longue phrase"


@pytest.fixture(scope="module")
def fius(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Mali's FIU holds the bank statement; Burkina's the mobile-money export (Aïssata Maïga
    is in both, under the same name) and, in a second workspace, both files."""
    root = tmp_path_factory.mktemp("fius")
    made = {"ml": root / "ml", "bf": root / "bf", "bf2": root / "bf2"}
    files = {
        "ml": ["releve_bdm_2024-03.camt053.xml"],
        "bf": ["orange_money_2024-03.csv"],
        "bf2": ["orange_money_2024-03.csv", "releve_bdm_2024-03.camt053.xml"],
    }
    for name, folder in made.items():
        with Workspace.init(folder) as ws:
            ws.ingest([SAMPLES / f for f in files[name]])
    return made


@pytest.fixture
def keyrings(tmp_path: Path, cli: Any) -> dict[str, Path]:
    """Both FIUs' keyrings, each holding the other's card."""
    rings = {"ml": tmp_path / "ring-ml", "bf": tmp_path / "ring-bf"}
    for who, fiu in (("ml", "CENTIF-ML"), ("bf", "CENTIF-BF")):
        assert cli("share", "keys", "init", fiu, "--keyring", rings[who]).code == 0
        assert (
            cli(
                "share",
                "keys",
                "export",
                "--out",
                tmp_path / f"{who}.card",
                "--keyring",
                rings[who],
            ).code
            == 0
        )
    assert cli("share", "keys", "add", tmp_path / "bf.card", "--keyring", rings["ml"]).code == 0
    assert cli("share", "keys", "add", tmp_path / "ml.card", "--keyring", rings["bf"]).code == 0
    return rings


def _case(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A case on Aïssata Maïga in Mali's workspace, opened by the head of unit fatou."""
    with CaseDesk.for_workspace(workspace) as desk:
        if desk.account_count() == 0:
            desk.add_user(None, "fatou", "head", "Fatou", PASSWORD)
        fatou = desk.login("fatou", PASSWORD)
        case = desk.new(fatou, "Collecte Gao")
        with Workspace.open(workspace, read_only=True) as ws:
            desk.add_subject(fatou, case.ref, ws, "Aïssata Maïga")
    monkeypatch.setenv("MONEYTRAIL_USER", "fatou")
    monkeypatch.setenv("MONEYTRAIL_PASSWORD", PASSWORD)
    return case.ref


def test_a_case_filter_travels_in_a_package_and_hits_only_the_shared_subject(
    tmp_path: Path, cli: Any, fius: dict[str, Path], keyrings: dict[str, Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    ref = _case(fius["ml"], monkeypatch)
    mtf, mtp = tmp_path / "ml-bf.mtf", tmp_path / "envoi.mtp"
    made = cli("share", "filter", "--case", ref, "--for", "CENTIF-BF", "--out", mtf,
               "-w", fius["ml"], "--keyring", keyrings["ml"], "--json")  # fmt: skip
    assert made.code == 0, made.err
    assert made.json()["subjects"] == 1
    sent = cli("share", "package", mtf, "--to", "CENTIF-BF", "--out", mtp, "--case", ref,
               "-w", fius["ml"], "--keyring", keyrings["ml"], "--json")  # fmt: skip
    assert sent.code == 0, sent.err
    opened = cli(
        "--lang",
        "fr",
        "share",
        "open",
        mtp,
        "--out",
        tmp_path / "recu",
        "--keyring",
        keyrings["bf"],
    )
    assert opened.code == 0 and "CENTIF-ML" in opened.out
    again = cli(
        "--lang",
        "en",
        "share",
        "open",
        mtp,
        "--out",
        tmp_path / "recu2",
        "--keyring",
        keyrings["bf"],
    )
    assert again.code == 3 and "replayed" in again.err
    found = cli("share", "match", tmp_path / "recu" / "ml-bf.mtf", "-w", fius["bf"],
                "--keyring", keyrings["bf"], "--json").json()  # fmt: skip
    assert [h["label"] for h in found["hits"]] == ["Aïssata Maïga"], found
    assert found["hits"][0]["names"] == ["Aïssata Maïga"] and found["hits"][0]["identifiers"] == []
    # Mali's own keyring is not the addressee of its filter
    own = cli("--lang", "en", "share", "match", mtf, "-w", fius["ml"], "--keyring", keyrings["ml"])
    assert own.code == 3 and "refused" in own.err
    with CaseDesk.for_workspace(fius["ml"]) as desk:
        trail = desk.trail(desk.login("fatou", PASSWORD), ref).entries
    purposes = [line.details.get("purpose") for line in trail if line.action == "case.export"]
    assert purposes == ["share.filter", "share.package_sent"]


def test_a_tampered_filter_is_refused_before_any_test(
    tmp_path: Path, cli: Any, fius: dict[str, Path], keyrings: dict[str, Path]
) -> None:
    mtf = tmp_path / "f.mtf"
    assert (
        cli(
            "share",
            "filter",
            "--for",
            "CENTIF-BF",
            "--out",
            mtf,
            "-w",
            fius["ml"],
            "--keyring",
            keyrings["ml"],
        ).code
        == 0
    )
    data = bytearray(mtf.read_bytes())
    data[-1] ^= 0x01
    mtf.write_bytes(bytes(data))
    refused = cli(
        "--lang", "fr", "share", "match", mtf, "-w", fius["bf"], "--keyring", keyrings["bf"]
    )
    assert refused.code == 3 and "altéré" in refused.err and "Traceback" not in refused.err


def test_psi_in_three_files_finds_the_shared_identifiers(
    tmp_path: Path, cli: Any, fius: dict[str, Path], keyrings: dict[str, Path]
) -> None:
    r1, r2, state, out = (tmp_path / n for n in ("r1.json", "r2.json", "state.json", "res.json"))
    assert cli("share", "psi", "start", "--for", "CENTIF-BF", "--out", r1, "--state", state,
               "-w", fius["ml"], "--keyring", keyrings["ml"]).code == 0  # fmt: skip
    assert state.stat().st_mode & 0o077 == 0
    assert (
        cli(
            "share", "psi", "reply", r1, "--out", r2, "-w", fius["bf2"], "--keyring", keyrings["bf"]
        ).code
        == 0
    )
    done = cli("share", "psi", "finish", r2, "--state", state, "--out", out, "--json").json()
    with Workspace.open(fius["ml"], read_only=True) as ws:
        from moneytrail.share.from_workspace import read_subjects
        from moneytrail.share.subject_keys import identifier_key

        mine = {identifier_key(v) for s in read_subjects(ws.engine) for v in s.identifiers} - {None}
    assert done["matched"] == sorted(mine) and done["count"] == len(mine) > 0
    assert json.loads(out.read_text())["count"] == len(mine)
    nothing = cli("share", "psi", "start", "--for", "CENTIF-BF", "--out", r1, "--state", state,
                  "--count-only", "-w", fius["ml"], "--keyring", keyrings["ml"])  # fmt: skip
    assert nothing.code == 0
    assert (
        cli(
            "share", "psi", "reply", r1, "--out", r2, "-w", fius["bf"], "--keyring", keyrings["bf"]
        ).code
        == 0
    )
    counted = cli("share", "psi", "finish", r2, "--state", state, "--json").json()
    assert counted["matched"] is None and counted["count"] == 0


def test_an_unknown_partner_is_a_usage_error_in_both_languages(
    tmp_path: Path, cli: Any, fius: dict[str, Path], keyrings: dict[str, Path]
) -> None:
    result = cli("--lang", "fr", "share", "filter", "--for", "CENTIF-NE", "--out", tmp_path / "x",
                 "-w", fius["ml"], "--keyring", keyrings["ml"])  # fmt: skip
    assert result.code == 2 and "Partenaire inconnu" in result.err and "CENTIF-BF" in result.err


def test_a_match_a_package_received_and_psi_are_in_the_case_trail(
    tmp_path: Path, cli: Any, fius: dict[str, Path], keyrings: dict[str, Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    mtf, mtp, r1 = tmp_path / "bf-ml.mtf", tmp_path / "bf-ml.mtp", tmp_path / "r1.json"
    assert (
        cli(
            "share",
            "filter",
            "--for",
            "CENTIF-ML",
            "--out",
            mtf,
            "-w",
            fius["bf"],
            "--keyring",
            keyrings["bf"],
        ).code
        == 0
    )
    assert (
        cli(
            "share", "package", mtf, "--to", "CENTIF-ML", "--out", mtp, "--keyring", keyrings["bf"]
        ).code
        == 0
    )
    ref = _case(fius["ml"], monkeypatch)
    common = ["--case", ref, "-w", fius["ml"], "--keyring", keyrings["ml"]]
    assert cli("share", "open", mtp, "--out", tmp_path / "in", *common).code == 0
    matched = cli("share", "match", tmp_path / "in" / "bf-ml.mtf", *common, "--json")
    assert matched.code == 0 and [h["label"] for h in matched.json()["hits"]] == ["Aïssata Maïga"]
    assert (
        cli(
            "share",
            "psi",
            "start",
            "--for",
            "CENTIF-BF",
            "--out",
            r1,
            "--state",
            tmp_path / "s",
            *common,
        ).code
        == 0
    )
    with CaseDesk.for_workspace(fius["ml"]) as desk:
        trail = desk.trail(desk.login("fatou", PASSWORD), ref).entries
    recorded = [(e.details.get("purpose"), e.target) for e in trail if e.action == "case.export"]
    assert [p for p, _ in recorded] == ["share.package_received", "share.match", "share.psi"]
    assert all(target and target.endswith((".mtp", ".mtf", ".json")) for _, target in recorded)
