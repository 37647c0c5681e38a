"""``moneytrail resolve``: JSON output, round trip of accented and Arabic names, exit codes."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from moneytrail.workspace import Workspace
from tests.resolve.story import (
    ARABIC_MAN,
    ARABIC_NAME,
    BANK_MAN,
    WALLET_MAN,
    write_story,
    write_truth,
)


def story_workspace(cli: Any, tmp_path: Path) -> Path:
    ws = tmp_path / "ws"
    assert cli("init", ws).code == 0
    files = write_story(tmp_path / "story")
    assert cli("ingest", "-w", ws, *files, "--json").code == 0
    return ws


def test_run_pairs_decide_undo_clusters_in_json(cli: Any, tmp_path: Path) -> None:
    ws = story_workspace(cli, tmp_path)
    run = cli("resolve", "run", "-w", ws, "--threshold", "0.9", "--json")
    assert run.code == 0, run.err
    assert run.json()["clusters"] == 1 and run.json()["parties"] == 9
    pairs = cli("resolve", "pairs", "-w", ws, "--min-prob", "0.5", "--json").json()["pairs"]
    names = {p["left_name"] for p in pairs} | {p["right_name"] for p in pairs}
    assert ARABIC_NAME in names  # Arabic script survives ingest, storage and JSON
    assert "Mouhamadou Ould Ahmed" in names
    decided = cli(
        "resolve", "decide", "-w", ws, BANK_MAN, WALLET_MAN, "--reject",
        "--by", "Aïssata Maïga", "--note", "pièces différentes", "--json",
    )  # fmt: skip
    assert decided.code == 0, decided.err
    assert decided.json()["decided_by"] == "Aïssata Maïga"
    assert decided.json()["note"] == "pièces différentes"
    clusters = cli("resolve", "clusters", "-w", ws, "--json").json()["clusters"]
    assert not any({BANK_MAN, WALLET_MAN} <= set(c["parties"]) for c in clusters)
    undo = cli("resolve", "undo", "-w", ws, WALLET_MAN, BANK_MAN, "--by", "Aïssata Maïga")
    assert undo.code == 0, undo.err
    clusters = cli("resolve", "clusters", "-w", ws, "--json").json()["clusters"]
    assert [set(c["parties"]) for c in clusters] == [{BANK_MAN, WALLET_MAN, ARABIC_MAN}]
    assert ARABIC_NAME in clusters[0]["names"]
    history = cli("resolve", "history", "-w", ws, "--json").json()["decisions"]
    assert [d["decision"] for d in history] == ["reject", "undo"]
    split = cli("resolve", "split", "-w", ws, ARABIC_MAN, "--by", "K. Diarra", "--json")
    assert split.code == 0, split.err
    assert [d["decision"] for d in split.json()["decisions"]] == ["reject", "reject"]
    clusters = cli("resolve", "clusters", "-w", ws, "--json").json()["clusters"]
    assert [set(c["parties"]) for c in clusters] == [{BANK_MAN, WALLET_MAN}]


def test_evaluate_against_a_tiny_truth(cli: Any, tmp_path: Path) -> None:
    ws = story_workspace(cli, tmp_path)
    truth = write_truth(tmp_path / "truth")
    assert cli("resolve", "run", "-w", ws, "--json").code == 0
    result = cli("resolve", "evaluate", "-w", ws, "--truth", truth, "--json")
    assert result.code == 0, result.err
    scores = {s["method"]: s for s in result.json()["scores"]}
    assert scores["clusters"]["truth"] == 3
    assert (scores["clusters"]["precision"], scores["clusters"]["recall"]) == (1.0, 1.0)
    # The naive baselines find the homonym, not the transliteration or the Arabic record.
    assert scores["exact_name"]["true_positives"] == 0
    assert scores["exact_name"]["predicted"] == 1
    # the same truth loaded into labels gives the same figures
    assert cli("ingest", "-w", ws, truth, "--json").code == 0
    again = cli("resolve", "evaluate", "-w", ws, "--json").json()["scores"]
    assert again == result.json()["scores"]


def test_human_output_in_french_and_english(cli: Any, tmp_path: Path) -> None:
    ws = story_workspace(cli, tmp_path)
    fr = cli("--lang", "fr", "resolve", "run", "-w", ws)
    assert fr.code == 0 and "parties comparées" in fr.out
    en = cli("--lang", "en", "resolve", "pairs", "-w", ws)
    assert en.code == 0 and "Candidate pairs" in en.out and ARABIC_NAME in en.out


def test_user_errors_have_exit_codes_and_no_traceback(cli: Any, tmp_path: Path) -> None:
    ws = story_workspace(cli, tmp_path)
    none_yet = cli("--lang", "en", "resolve", "clusters", "-w", ws)
    assert none_yet.code == 2 and "resolve run" in none_yet.err
    assert cli("resolve", "run", "-w", ws, "--threshold", "1.5").code == 2
    both = cli("resolve", "decide", "-w", ws, BANK_MAN, WALLET_MAN, "--by", "x")
    assert both.code == 2
    assert cli("resolve", "run", "-w", ws, "--json").code == 0
    assert cli("resolve", "evaluate", "-w", ws).code == 2  # no labels, no --truth
    assert cli("resolve", "evaluate", "-w", ws, "--truth", tmp_path / "none.parquet").code == 2
    bad = tmp_path / "bad.parquet"
    pq.write_table(pa.table({"who": ["a"]}), bad)
    refused = cli("--lang", "en", "resolve", "evaluate", "-w", ws, "--truth", bad)
    assert refused.code == 3
    assert f"{bad}: columns: expected columns" in refused.err
    assert "Traceback" not in refused.err
    with Workspace.open(ws) as opened:
        assert opened.resolution.history().decisions == []


def test_run_warns_on_stderr_about_an_interrupted_run(cli: Any, tmp_path: Path) -> None:
    ws = story_workspace(cli, tmp_path)
    with Workspace.open(ws) as opened:
        opened.engine.execute(
            "INSERT INTO job_runs (id, kind, started_at, status, settings, code_version, owner)"
            " VALUES ('deadbeef00112233', 'resolve', ?, 'running', '{}', '0.1.0',"
            " 'other-host:4242:1700000000000')",
            [datetime(2024, 5, 2, 10, 41)],
        )
    run = cli("--lang", "en", "resolve", "run", "-w", ws, "--json")
    assert run.code == 0, run.err
    assert run.json()["interrupted_runs"][0]["id"] == "deadbeef00112233"  # stdout stays JSON
    assert "deadbeef00" in run.err and "2024-05-02 10:41" in run.err
    again = cli("--lang", "en", "resolve", "run", "-w", ws)
    assert "deadbeef00" not in again.err  # reported once
