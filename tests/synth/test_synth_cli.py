"""``moneytrail synth`` and loading its output with ``moneytrail ingest``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from moneytrail.ingest.canonical_parquet import CanonicalParquetReader
from moneytrail.synth import SynthResult

FILES = ("parties", "accounts", "identifiers", "transactions")


def test_reader_sniffs_only_canonical_tables(scenario: SynthResult, tmp_path: Path) -> None:
    reader = CanonicalParquetReader("moneytrail")
    for kind in FILES:
        path = scenario.files[kind]
        assert reader.sniff(path, path.read_bytes()[:64]) == 95
    members = scenario.files["truth_members"]  # ground truth loads into labels
    assert reader.sniff(members, members.read_bytes()[:64]) == 95
    instances = scenario.files["truth_instances"]  # read beside members, never alone
    assert reader.sniff(instances, instances.read_bytes()[:64]) == 0
    text = tmp_path / "a.csv"
    text.write_text("id,amount\n1,2\n")
    assert reader.sniff(text, text.read_bytes()) == 0


def test_cli_writes_then_ingest_loads_everything(cli: Any, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = cli("synth", "--scale", "150", "--seed", "3", "--days", "30", "--out", out, "--json")
    assert result.code == 0, result.err
    summary = result.json()
    order = summary["ingest_order"]
    assert [Path(p).name for p in order] == [f"{k}.parquet" for k in FILES]
    assert set(summary["truth"]) == {"truth_instances", "truth_members", "truth_identities"}
    ws = tmp_path / "ws"
    assert cli("init", ws).code == 0
    loaded = cli("ingest", "-w", ws, "--format", "moneytrail", *order, "--json")
    assert loaded.code == 0, loaded.err
    info = cli("info", "-w", ws, "--json").json()
    rows = summary["rows"]
    assert info["counts"]["transactions"] == rows["transactions"]
    assert info["counts"]["accounts"] == rows["accounts"]
    assert info["counts"]["parties"] == rows["parties"]
    assert info["counts"]["quarantine"] == 0
    again = cli("ingest", "-w", ws, "--format", "moneytrail", *order, "--json")
    assert again.code == 0
    assert cli("info", "-w", ws, "--json").json()["counts"] == info["counts"]


def test_transactions_before_accounts_are_quarantined(cli: Any, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert cli("synth", "--scale", "40", "--days", "7", "--out", out, "--json").code == 0
    ws = tmp_path / "ws"
    cli("init", ws)
    cli("ingest", "-w", ws, "--format", "moneytrail", out / "transactions.parquet", "--json")
    counts = cli("info", "-w", ws, "--json").json()["counts"]
    assert counts["transactions"] == 0
    assert counts["quarantine"] == pq.read_metadata(out / "transactions.parquet").num_rows


def test_human_summary_lists_files_in_ingest_order(cli: Any, tmp_path: Path) -> None:
    result = cli("--lang", "fr", "synth", "--scale", "40", "--days", "7", "--out", tmp_path / "o")
    assert result.code == 0
    positions = [result.out.index(f"{k}.parquet") for k in FILES]
    assert positions == sorted(positions)
    assert "Vérité terrain" in result.out


def test_other_un_list_file(cli: Any, tmp_path: Path, shared_data: Path) -> None:
    un = shared_data / "sanctions" / "un" / "unsc_sample_2024.xml"
    out = tmp_path / "o"
    result = cli(
        "synth",
        "--scale",
        "40",
        "--days",
        "7",
        "--out",
        out,
        "--typology",
        "sanctioned_proxy",
        "--sanctions-list",
        un,
        "--json",
    )
    assert result.code == 0, result.err
    assert result.json()["instances"] == {"sanctioned_proxy": 1}


def test_unreadable_un_list_is_refused_cleanly(cli: Any, tmp_path: Path) -> None:
    bad = tmp_path / "bad.xml"
    bad.write_text("<CONSOLIDATED_LIST><INDIVIDUALS>")
    result = cli(
        "synth", "--scale", "40", "--days", "7", "--out", tmp_path / "o", "--sanctions-list", bad
    )
    assert result.code == 3
    assert "bad.xml" in result.err and "Traceback" not in result.err


def test_detection_picks_the_canonical_reader(scenario: SynthResult) -> None:
    from moneytrail.ingest.registry import detect_reader

    for kind in FILES:
        assert detect_reader(scenario.files[kind]).name == "moneytrail"
