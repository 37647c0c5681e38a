"""``synth --cash-sources``: the scenario folder also holds a ransom's mobile-money export,
hawala ledgers and border declarations in the documented templates (issue 23, part 5)."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from moneytrail.synth import generate
from moneytrail.synth.cash_output import CASH_FILES
from moneytrail.synth.config import SynthConfig

CASH_NAMES = [
    "mobile_money.csv",
    "registre_gao.csv",
    "ledger_niamey.csv",
    "ledger_tamanrasset.csv",
    "declarations.csv",
]


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_off_by_default_on_with_the_option(tmp_path: Path) -> None:
    plain = generate(SynthConfig(scale=40, seed=2, days=14), tmp_path / "plain")
    assert not {p.name for p in (tmp_path / "plain").iterdir()} & CASH_FILES
    assert "cash_declarations" not in plain.files
    made = generate(SynthConfig(scale=40, seed=2, days=14, cash_sources=True), tmp_path / "cash")
    names = {p.name for p in (tmp_path / "cash").iterdir()}
    assert set(CASH_NAMES) | {"truth_cash_sources.json"} <= names
    # the canonical files are the same bytes with or without the option
    for kind in ("parties", "accounts", "identifiers", "transactions"):
        assert made.files[kind].read_bytes() == plain.files[kind].read_bytes()
    header = (tmp_path / "cash" / "registre_gao.csv").read_text(encoding="utf-8").split("\n")[0]
    assert header.startswith("Date;Code;Hawaladar;")  # the French template of docs/formats
    first = _digest(tmp_path / "cash")
    generate(SynthConfig(scale=40, seed=2, days=14, cash_sources=True), tmp_path / "cash")
    assert _digest(tmp_path / "cash") == first  # replaced whole, same bytes


def test_cli_lists_them_in_ingest_order_and_they_load(cli: Any, tmp_path: Path) -> None:
    out = tmp_path / "out"
    res = cli(
        "synth", "--scale", "40", "--seed", "4", "--days", "14", "--out", out,
        "--cash-sources", "--json",
    )  # fmt: skip
    assert res.code == 0, res.err
    summary = res.json()
    order = [Path(p).name for p in summary["ingest_order"]]
    assert order[4:] == CASH_NAMES
    assert summary["rows"]["declarations"] == 2
    assert "truth_cash_sources" in summary["truth"]
    ws = tmp_path / "ws"
    assert cli("init", ws).code == 0
    loaded = cli("ingest", "-w", ws, *summary["ingest_order"], "--json")
    assert loaded.code == 0, loaded.err
    formats = {Path(f["path"]).name: f["format"] for f in loaded.json()["files"]}
    assert formats["registre_gao.csv"] == "hawala"
    assert formats["declarations.csv"] == "cash_declarations"
    assert formats["mobile_money.csv"] == "mobile_money"
    assert cli("info", "-w", ws, "--json").json()["counts"]["quarantine"] == 0
    truth = json.loads(Path(summary["truth"]["truth_cash_sources"]).read_text(encoding="utf-8"))
    reached = sum(Decimal(v) for v in truth["endpoints"].values())
    assert 0 < reached <= truth["ransom"]
    assert truth["files"] == CASH_NAMES
